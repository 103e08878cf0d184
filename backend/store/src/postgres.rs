//! PostgreSQL with PostGIS: the store for several service instances sharing
//! one database. Same tables and behaviour as the SQLite store, plus
//! spatial columns: `incidents.geom` (a point in EPSG:27700, generated from
//! x, y) and `areas.geom` (a multipolygon in EPSG:4326 from the GeoJSON),
//! each with a GiST index, for queries run in PostGIS directly. The service
//! itself still builds its in-memory index from [`Store::load_incidents`].

use std::collections::HashSet;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use hotspot_core::{Area, Incident};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{FromRow, PgPool, Postgres, Row, Transaction};

use crate::common::{area_geojson, bulk_inserts, corrupt, now, AuditRow, POSTGRES_INSERT_CHUNK};
use crate::import::ImportTx;
use crate::{AuditEntry, AuditStore, FileOutcome, FileReport, RejectedRow, StoreError};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// PostgreSQL/PostGIS-backed [`Store`](crate::Store).
#[derive(Clone)]
pub struct PostgresStore {
    pub(crate) pool: PgPool,
}

impl PostgresStore {
    /// Connects to and migrates the database at `url`
    /// (`postgres://user:password@host:port/database`; `?options=-c search_path=...`
    /// chooses a schema). The `postgis` extension must be installable by
    /// this user or already created in the database by a superuser.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .min_connections(0)
            .acquire_timeout(Duration::from_secs(5))
            .idle_timeout(Some(Duration::from_secs(600)))
            .max_lifetime(Some(Duration::from_secs(3600)))
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(PostgresStore { pool })
    }

    /// The connection pool, for queries beyond the [`Store`](crate::Store) trait (e.g.
    /// spatial SQL against the PostGIS columns).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    bulk_inserts!(Postgres, POSTGRES_INSERT_CHUNK);

    /// Multi-row INSERTs of `incidents`; PostgreSQL generates
    /// `incidents.geom` from x, y itself.
    async fn insert_incidents(
        conn: &mut sqlx::PgConnection,
        file_id: i64,
        incidents: &[Incident],
    ) -> Result<(), StoreError> {
        use crate::common::{format_date, format_time};
        for chunk in incidents.chunks(POSTGRES_INSERT_CHUNK) {
            let mut q = sqlx::QueryBuilder::<Postgres>::new(
                "INSERT INTO incidents (file_id, line, source, external_id, category, month, \
                 occurred_date, occurred_time, lon, lat, x, y, location_label, lsoa_code, \
                 outcome) ",
            );
            q.push_values(chunk, |mut b, i| {
                let loc = i.location;
                b.push_bind(file_id)
                    .push_bind(i.origin_line as i64)
                    .push_bind(&i.source)
                    .push_bind(i.external_id.as_deref())
                    .push_bind(&i.category)
                    .push_bind(i.month.to_string())
                    .push_bind(format_date(i.date))
                    .push_bind(format_time(i.time))
                    .push_bind(loc.map(|l| l.lon))
                    .push_bind(loc.map(|l| l.lat))
                    .push_bind(loc.map(|l| l.x))
                    .push_bind(loc.map(|l| l.y))
                    .push_bind(i.location_label.as_deref())
                    .push_bind(i.lsoa_code.as_deref())
                    .push_bind(i.outcome.as_deref());
            });
            q.build().execute(&mut *conn).await?;
        }
        Ok(())
    }
}

/// PostgreSQL's import statements; the flows that run them are in [`import`].
#[async_trait]
impl<'c> ImportTx for Transaction<'c, Postgres> {
    async fn begin_import(&mut self, kind: &str) -> Result<i64, StoreError> {
        let id = sqlx::query(
            "INSERT INTO imports (kind, created_at, files, accepted, rejected, unchanged) \
             VALUES ($1, $2, 0, 0, 0, 0) RETURNING id",
        )
        .bind(kind)
        .bind(now())
        .fetch_one(&mut **self)
        .await?
        .try_get::<i64, _>(0)?;
        Ok(id)
    }

    async fn update_outcomes(&mut self, outcomes: &[(String, String)]) -> Result<u64, StoreError> {
        // A keyed temporary table dropped at commit, then one UPDATE joining it.
        sqlx::query(
            "CREATE TEMP TABLE IF NOT EXISTS outcome_updates (crime_id TEXT PRIMARY KEY, outcome TEXT NOT NULL) ON COMMIT DROP",
        )
        .execute(&mut **self)
        .await?;
        for chunk in outcomes.chunks(crate::import::OUTCOME_CHUNK) {
            let mut q = sqlx::QueryBuilder::<Postgres>::new(
                "INSERT INTO outcome_updates (crime_id, outcome) ",
            );
            q.push_values(chunk, |mut b, (id, outcome)| {
                b.push_bind(id).push_bind(outcome);
            });
            q.push(" ON CONFLICT (crime_id) DO UPDATE SET outcome = EXCLUDED.outcome");
            q.build().execute(&mut **self).await?;
        }
        let updated = sqlx::query(
            "UPDATE incidents i SET outcome = u.outcome FROM outcome_updates u \
             WHERE i.external_id = u.crime_id AND i.outcome IS DISTINCT FROM u.outcome",
        )
        .execute(&mut **self)
        .await?
        .rows_affected();
        Ok(updated)
    }

    async fn finish_import(
        &mut self,
        import_id: i64,
        files: &[FileReport],
    ) -> Result<(), StoreError> {
        let unchanged = files
            .iter()
            .filter(|f| f.outcome == FileOutcome::Unchanged)
            .count() as i64;
        sqlx::query(
            "UPDATE imports SET files = $1, accepted = $2, rejected = $3, unchanged = $4 \
             WHERE id = $5",
        )
        .bind(files.len() as i64)
        .bind(files.iter().map(|f| f.accepted as i64).sum::<i64>())
        .bind(files.iter().map(|f| f.rejected as i64).sum::<i64>())
        .bind(unchanged)
        .bind(import_id)
        .execute(&mut **self)
        .await?;
        Ok(())
    }

    /// The row is locked, so two instances importing the same dataset at
    /// once queue rather than both replacing it.
    async fn claim_dataset(
        &mut self,
        dataset_key: &str,
        sha256: &str,
    ) -> Result<FileOutcome, StoreError> {
        let existing =
            sqlx::query("SELECT id, sha256 FROM source_files WHERE dataset_key = $1 FOR UPDATE")
                .bind(dataset_key)
                .fetch_optional(&mut **self)
                .await?;
        match existing {
            None => Ok(FileOutcome::Added),
            Some(row) if row.try_get::<String, _>("sha256")? == sha256 => {
                Ok(FileOutcome::Unchanged)
            }
            Some(row) => {
                let id: i64 = row.try_get("id")?;
                // ON DELETE CASCADE removes its incidents, areas and rejected rows.
                sqlx::query("DELETE FROM source_files WHERE id = $1")
                    .bind(id)
                    .execute(&mut **self)
                    .await?;
                Ok(FileOutcome::Replaced)
            }
        }
    }

    async fn insert_source_file(
        &mut self,
        import_id: i64,
        file: &FileReport,
        sha256: &str,
    ) -> Result<i64, StoreError> {
        let id = sqlx::query(
            "INSERT INTO source_files \
             (import_id, dataset_key, file_name, sha256, rows, accepted, rejected) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(import_id)
        .bind(&file.dataset_key)
        .bind(&file.file_name)
        .bind(sha256)
        .bind(file.rows as i64)
        .bind(file.accepted as i64)
        .bind(file.rejected as i64)
        .fetch_one(&mut **self)
        .await?
        .try_get::<i64, _>(0)?;
        Ok(id)
    }

    async fn insert_incidents(
        &mut self,
        file_id: i64,
        incidents: &[Incident],
    ) -> Result<(), StoreError> {
        PostgresStore::insert_incidents(self, file_id, incidents).await
    }

    async fn insert_rejected(
        &mut self,
        file_id: i64,
        file_name: &str,
        rows: &[RejectedRow],
    ) -> Result<(), StoreError> {
        PostgresStore::insert_rejected(self, file_id, file_name, rows).await
    }

    /// `geom` is the PostGIS multipolygon of the GeoJSON in `geometry`.
    async fn replace_areas(
        &mut self,
        file_id: i64,
        layer: &str,
        areas: &[Area],
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM areas WHERE layer = $1")
            .bind(layer)
            .execute(&mut **self)
            .await?;
        for area in areas {
            sqlx::query(
                "INSERT INTO areas (file_id, layer, code, name, population, geometry, geom) \
                 VALUES ($1, $2, $3, $4, $5, $6, \
                         ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($6), 4326)))",
            )
            .bind(file_id)
            .bind(layer)
            .bind(&area.code)
            .bind(&area.name)
            .bind(area.population)
            .bind(area_geojson(&area.geometry))
            .execute(&mut **self)
            .await?;
        }
        Ok(())
    }

    async fn area_codes(&mut self, layer: &str) -> Result<HashSet<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT code FROM areas WHERE layer = $1")
                .bind(layer)
                .fetch_all(&mut **self)
                .await?
                .into_iter()
                .collect(),
        )
    }

    async fn replace_populations(
        &mut self,
        file_id: i64,
        layer: &str,
        populations: &[(&String, &f64)],
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM area_populations WHERE layer = $1")
            .bind(layer)
            .execute(&mut **self)
            .await?;
        PostgresStore::insert_populations(self, file_id, layer, populations).await
    }
}

#[async_trait]
impl AuditStore for PostgresStore {
    async fn append_audit(&self, entries: &[AuditEntry]) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        Self::insert_audit(&mut conn, entries).await
    }

    async fn audit_log(&self, limit: i64, offset: i64) -> Result<Vec<AuditEntry>, StoreError> {
        sqlx::query(
            "SELECT at, username, role, client, method, path, query, status FROM audit_log \
             ORDER BY id DESC LIMIT $1 OFFSET $2",
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            let status: i32 = r.try_get("status")?;
            let status =
                u16::try_from(status).map_err(|_| corrupt("status", &status.to_string()))?;
            AuditRow::from_row(r)?.into_entry(status)
        })
        .collect()
    }
}

/// Schemas of their own for tests that share one PostgreSQL database, so
/// they can run in parallel.
pub mod testing {
    use std::sync::atomic::{AtomicU64, Ordering};

    use sqlx::{Connection, Executor, PgConnection};

    use crate::StoreError;

    /// Creates a new, uniquely named, empty schema in the database at `url`
    /// and returns its name and a URL whose connections use it first (then
    /// `public`, where PostGIS lives).
    pub async fn fresh_schema(url: &str) -> Result<(String, String), StoreError> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let schema = format!(
            "hotspot_test_{}_{}_{nanos}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let mut conn = PgConnection::connect(url).await?;
        conn.execute(format!("CREATE SCHEMA {schema}").as_str())
            .await?;
        conn.close().await?;
        let sep = if url.contains('?') { '&' } else { '?' };
        let schema_url = format!("{url}{sep}options=-c%20search_path%3D{schema}%2Cpublic");
        Ok((schema, schema_url))
    }

    /// Drops a schema made by [`fresh_schema`] and everything in it.
    pub async fn drop_schema(url: &str, schema: &str) -> Result<(), StoreError> {
        let mut conn = PgConnection::connect(url).await?;
        conn.execute(format!("DROP SCHEMA IF EXISTS {schema} CASCADE").as_str())
            .await?;
        conn.close().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{drop_schema, fresh_schema};
    use super::*;
    use crate::conformance::{self, area, batch, file, incident};
    use crate::{AreaBatch, IncidentStore};
    use hotspot_core::Location;

    async fn store() -> PostgresStore {
        let url = hotspot_testenv::postgres_url();
        let (_, schema_url) = fresh_schema(&url).await.unwrap();
        PostgresStore::open(&schema_url).await.unwrap()
    }

    /// Makes the database refuse incidents of category `BOOM`.
    async fn refuse_boom(s: &PostgresStore) {
        sqlx::query(
            "CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN IF NEW.category = 'BOOM' THEN RAISE EXCEPTION 'refused'; END IF; \
             RETURN NEW; END $$",
        )
        .execute(&s.pool)
        .await
        .unwrap();
        sqlx::query(
            "CREATE TRIGGER refuse BEFORE INSERT ON incidents \
             FOR EACH ROW EXECUTE FUNCTION refuse_boom()",
        )
        .execute(&s.pool)
        .await
        .unwrap();
    }

    /// Drops the test's schema once it has passed.
    async fn close(s: PostgresStore) {
        let schema: String = sqlx::query_scalar("SELECT current_schema()")
            .fetch_one(&s.pool)
            .await
            .unwrap();
        s.pool.close().await;
        drop_schema(&hotspot_testenv::postgres_url(), &schema)
            .await
            .unwrap();
    }

    conformance::conformance_tests!(
        #[cfg_attr(
            not(has_postgres),
            ignore = "needs HOTSPOT_TEST_POSTGRES_URL (. scripts/postgres.sh; CONTRIBUTING.md)"
        )]
        store,
        refuse_boom,
        close
    );

    #[tokio::test]
    #[cfg_attr(
        not(has_postgres),
        ignore = "needs HOTSPOT_TEST_POSTGRES_URL (. scripts/postgres.sh; CONTRIBUTING.md)"
    )]
    async fn tables_live_in_the_test_schema_and_reopening_keeps_data() {
        let url = hotspot_testenv::postgres_url();
        let (schema, schema_url) = fresh_schema(&url).await.unwrap();
        let s = PostgresStore::open(&schema_url).await.unwrap();
        s.import_incidents(batch(vec![file(
            "k1",
            "a",
            vec![incident("Burglary", "2025-03", 2, true)],
        )]))
        .await
        .unwrap();
        let current: String = sqlx::query_scalar("SELECT current_schema()")
            .fetch_one(s.pool())
            .await
            .unwrap();
        assert_eq!(current, schema);
        s.pool.close().await;
        // Opening again runs the migrations again: nothing to do, data kept.
        let s = PostgresStore::open(&schema_url).await.unwrap();
        assert_eq!(s.load_incidents().await.unwrap().len(), 1);
        close(s).await;
    }

    /// The PostGIS columns are filled and indexed, so SQL can join
    /// incidents to areas in the database.
    #[tokio::test]
    #[cfg_attr(
        not(has_postgres),
        ignore = "needs HOTSPOT_TEST_POSTGRES_URL (. scripts/postgres.sh; CONTRIBUTING.md)"
    )]
    async fn spatial_columns_are_filled_and_indexed() {
        let s = store().await;
        s.import_areas(AreaBatch {
            layer: "wards".into(),
            file_name: "wards.geojson".into(),
            sha256: "w1".into(),
            areas: vec![area("E05000001", None)],
            rejected: vec![],
        })
        .await
        .unwrap();
        let inside = incident("Burglary", "2025-03", 2, true);
        let mut outside = incident("Burglary", "2025-03", 3, true);
        outside.location = Some(Location {
            lon: -1.2,
            lat: 52.0,
            x: 455_000.0,
            y: 235_000.0,
        });
        let unlocated = incident("Drugs", "2025-03", 4, false);
        s.import_incidents(batch(vec![file(
            "k1",
            "a",
            vec![inside, outside, unlocated],
        )]))
        .await
        .unwrap();

        let (srid, x, y): (i32, f64, f64) = sqlx::query_as(
            "SELECT ST_SRID(geom), ST_X(geom), ST_Y(geom) FROM incidents WHERE line = 2",
        )
        .fetch_one(s.pool())
        .await
        .unwrap();
        assert_eq!((srid, x, y), (27700, 475_000.0, 260_000.0));
        let null_geoms: i64 =
            sqlx::query_scalar("SELECT count(*) FROM incidents WHERE geom IS NULL")
                .fetch_one(s.pool())
                .await
                .unwrap();
        assert_eq!(null_geoms, 1, "unlocated incidents have no point");
        let (kind, srid): (String, i32) =
            sqlx::query_as("SELECT GeometryType(geom), ST_SRID(geom) FROM areas")
                .fetch_one(s.pool())
                .await
                .unwrap();
        assert_eq!((kind.as_str(), srid), ("MULTIPOLYGON", 4326));
        // Point in polygon in the database, by each incident's lon/lat
        // (the sample square lies around -0.85, 52.25).
        let lines: Vec<i64> = sqlx::query_scalar(
            "SELECT i.line FROM incidents i JOIN areas a \
             ON ST_Intersects(a.geom, ST_SetSRID(ST_MakePoint(i.lon, i.lat), 4326)) ORDER BY i.line",
        )
        .fetch_all(s.pool())
        .await
        .unwrap();
        assert_eq!(lines, [2]);
        let indexes: Vec<String> = sqlx::query_scalar(
            "SELECT indexname::text FROM pg_indexes WHERE schemaname = current_schema() \
             AND indexdef LIKE '%USING gist%' ORDER BY indexname",
        )
        .fetch_all(s.pool())
        .await
        .unwrap();
        assert_eq!(
            indexes,
            ["areas_geom", "incidents_geom", "interventions_geom"]
        );
        close(s).await;
    }
}
