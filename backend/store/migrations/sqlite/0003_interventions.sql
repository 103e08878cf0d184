-- The intervention log: what was done, where and when, for evaluation
-- (before/after change, displacement buffer, WDQ).

CREATE TABLE interventions (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    kind         TEXT    NOT NULL,             -- patrols, target hardening, CCTV, ... (free text)
    area         TEXT    NOT NULL,             -- GeoJSON (Multi)Polygon, WGS84: the target area
    site_lon     REAL,                         -- set when the area was given as site + radius
    site_lat     REAL,
    radius_m     REAL,
    start_date   TEXT    NOT NULL,             -- YYYY-MM-DD
    end_date     TEXT,                         -- NULL: ongoing
    buffer_m     REAL    NOT NULL DEFAULT 200, -- displacement buffer width
    crime_groups TEXT    NOT NULL DEFAULT '[]', -- JSON array of crime group ids
    crime_types  TEXT    NOT NULL DEFAULT '[]', -- JSON array of crime types
    notes        TEXT,
    created_by   TEXT,                         -- user name; NULL: the command line
    created_at   TEXT    NOT NULL
);
