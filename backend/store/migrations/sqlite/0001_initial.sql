-- Hotspot store, SQLite. One row per import run, per source file version,
-- per incident, per area and per rejected (quarantined) row.

CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL,           -- police.uk | csv | boundaries | population
    created_at  TEXT    NOT NULL,           -- RFC 3339 UTC
    files       INTEGER NOT NULL,
    accepted    INTEGER NOT NULL,
    rejected    INTEGER NOT NULL,
    unchanged   INTEGER NOT NULL            -- files skipped because already imported
);

-- The current version of each dataset (e.g. one police.uk force-month).
-- Re-importing identical bytes is a no-op; new bytes for the same key replace
-- the old version (its incidents and rejected rows go with it).
CREATE TABLE source_files (
    id           INTEGER PRIMARY KEY,
    import_id    INTEGER NOT NULL REFERENCES imports(id),
    dataset_key  TEXT    NOT NULL UNIQUE,
    file_name    TEXT    NOT NULL,
    sha256       TEXT    NOT NULL,
    rows         INTEGER NOT NULL,
    accepted     INTEGER NOT NULL,
    rejected     INTEGER NOT NULL
);

CREATE TABLE incidents (
    id              INTEGER PRIMARY KEY,
    file_id         INTEGER NOT NULL REFERENCES source_files(id) ON DELETE CASCADE,
    line            INTEGER NOT NULL,
    source          TEXT    NOT NULL,
    external_id     TEXT,
    category        TEXT    NOT NULL,
    month           TEXT    NOT NULL,        -- YYYY-MM
    occurred_date   TEXT,                    -- YYYY-MM-DD when known
    occurred_time   TEXT,                    -- HH:MM:SS when known
    lon             REAL,
    lat             REAL,
    x               REAL,                    -- EPSG:27700 easting, metres
    y               REAL,                    -- EPSG:27700 northing, metres
    location_label  TEXT,
    lsoa_code       TEXT,
    outcome         TEXT,
    CHECK ((lon IS NULL) = (lat IS NULL) AND (x IS NULL) = (lon IS NULL))
);
CREATE INDEX incidents_file ON incidents(file_id);
CREATE INDEX incidents_month ON incidents(month);

CREATE TABLE rejected_rows (
    id         INTEGER PRIMARY KEY,
    file_id    INTEGER NOT NULL REFERENCES source_files(id) ON DELETE CASCADE,
    file_name  TEXT    NOT NULL,
    line       INTEGER NOT NULL,
    field      TEXT,
    reason     TEXT    NOT NULL,
    raw        TEXT    NOT NULL
);
CREATE INDEX rejected_rows_file ON rejected_rows(file_id);

CREATE TABLE areas (
    id          INTEGER PRIMARY KEY,
    file_id     INTEGER NOT NULL REFERENCES source_files(id) ON DELETE CASCADE,
    layer       TEXT    NOT NULL,            -- e.g. wards
    code        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    population  REAL,
    geometry    TEXT    NOT NULL,            -- GeoJSON geometry, WGS84
    UNIQUE (layer, code)
);

-- Populations imported from a separate table; they outlive a boundary
-- re-import and take precedence over a population property in the boundary file.
CREATE TABLE area_populations (
    id          INTEGER PRIMARY KEY,
    file_id     INTEGER NOT NULL REFERENCES source_files(id) ON DELETE CASCADE,
    layer       TEXT    NOT NULL,
    code        TEXT    NOT NULL,
    population  REAL    NOT NULL,
    UNIQUE (layer, code)
);
