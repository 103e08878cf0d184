//! The queries both backends run, written once.
//!
//! Outside the import flows (`import.rs`), the stores' SQL differs between
//! SQLite and PostgreSQL only in placeholders, and
//! `$N` placeholders work in both: SQLite reads `$1` as a named parameter,
//! numbered in order of first use, so each query below uses `$1`, `$2`, ...
//! in ascending order of first appearance (a null test types its parameter
//! with `CAST($1 AS BIGINT)`, which both accept). The other differences are
//! the macros' arguments: how `ORDER BY` compares text (bytewise in both:
//! SQLite's default, PostgreSQL's "C" collation, so both list the same
//! order), and PostGIS's geometry column for interventions. The
//! conformance suite runs all of it on both backends.

/// `impl AccountStore for $store`, whose `pool` field is an sqlx pool;
/// `$bytes` is appended to `ORDER BY username` to sort bytewise.
macro_rules! account_store {
    ($store:ty, $bytes:literal) => {
        #[async_trait::async_trait]
        impl $crate::AccountStore for $store {
            async fn create_user(
                &self,
                username: &str,
                password_hash: &str,
                role: hotspot_core::Role,
            ) -> Result<$crate::User, $crate::StoreError> {
                use sqlx::Row;
                let created_at = $crate::common::now();
                let result = sqlx::query(
                    "INSERT INTO users (username, password_hash, role, created_at) \
                     VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(username)
                .bind(password_hash)
                .bind(role.as_str())
                .bind(&created_at)
                .fetch_one(&self.pool)
                .await;
                match result {
                    Ok(row) => Ok($crate::User {
                        id: row.try_get(0)?,
                        username: username.to_string(),
                        role,
                        created_at,
                        disabled: false,
                    }),
                    Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                        Err($crate::StoreError::Conflict(format!(
                            "a user called {username:?} already exists"
                        )))
                    }
                    Err(e) => Err(e.into()),
                }
            }

            async fn users(&self) -> Result<Vec<$crate::User>, $crate::StoreError> {
                sqlx::query_as::<_, $crate::common::UserRow>(concat!(
                    "SELECT id, username, role, created_at, disabled FROM users ORDER BY username",
                    $bytes
                ))
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map($crate::common::UserRow::into_user)
                .collect()
            }

            async fn user_credentials(
                &self,
                username: &str,
            ) -> Result<Option<($crate::User, String)>, $crate::StoreError> {
                sqlx::query_as::<_, $crate::common::CredentialsRow>(
                    "SELECT id, username, role, created_at, disabled, password_hash \
                     FROM users WHERE username = $1",
                )
                .bind(username)
                .fetch_optional(&self.pool)
                .await?
                .map($crate::common::CredentialsRow::into_credentials)
                .transpose()
            }

            async fn create_token(
                &self,
                user_id: i64,
                kind: &str,
                label: &str,
                secret_hash: &str,
                expires_at: Option<&str>,
            ) -> Result<i64, $crate::StoreError> {
                use sqlx::Row;
                Ok(sqlx::query(
                    "INSERT INTO tokens (user_id, kind, label, secret_hash, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(user_id)
                .bind(kind)
                .bind(label)
                .bind(secret_hash)
                .bind($crate::common::now())
                .bind(expires_at)
                .fetch_one(&self.pool)
                .await?
                .try_get(0)?)
            }

            async fn token(
                &self,
                id: i64,
            ) -> Result<Option<$crate::StoredToken>, $crate::StoreError> {
                sqlx::query_as::<_, $crate::common::TokenRow>(
                    "SELECT t.id AS token_id, t.kind, t.secret_hash, t.expires_at, \
                            u.id, u.username, u.role, u.created_at, u.disabled \
                     FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.id = $1",
                )
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
                .map($crate::common::TokenRow::into_token)
                .transpose()
            }

            async fn delete_token(&self, id: i64) -> Result<(), $crate::StoreError> {
                sqlx::query("DELETE FROM tokens WHERE id = $1")
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
        }
    };
}

/// `impl IncidentStore for $store`; `$bytes` makes `ORDER BY code` bytewise.
macro_rules! incident_store {
    ($store:ty, $bytes:literal) => {
        #[async_trait::async_trait]
        impl $crate::IncidentStore for $store {
            async fn import_incidents(
                &self,
                batch: $crate::IncidentBatch,
            ) -> Result<$crate::ImportReport, $crate::StoreError> {
                $crate::import::incidents(self.pool.begin().await?, batch).await
            }

            async fn begin_incident_import(
                &self,
                kind: &str,
            ) -> Result<Box<dyn $crate::IncidentImport>, $crate::StoreError> {
                let tx = self.pool.begin().await?;
                Ok(Box::new($crate::import::TxImport::begin(tx, kind).await?))
            }

            async fn import_areas(
                &self,
                batch: $crate::AreaBatch,
            ) -> Result<$crate::ImportReport, $crate::StoreError> {
                $crate::import::areas(self.pool.begin().await?, batch).await
            }

            async fn import_populations(
                &self,
                batch: $crate::PopulationBatch,
            ) -> Result<$crate::ImportReport, $crate::StoreError> {
                $crate::import::populations(self.pool.begin().await?, batch).await
            }

            async fn stream_incidents(
                &self,
                to: tokio::sync::mpsc::Sender<$crate::StoredPage>,
            ) -> Result<(), $crate::StoreError> {
                $crate::read::send_all(&self.pool, to).await
            }

            async fn load_areas(
                &self,
                layer: &str,
            ) -> Result<Vec<hotspot_core::Area>, $crate::StoreError> {
                use $crate::common::AreaRow;
                sqlx::query_as::<_, AreaRow>(concat!(
                    "SELECT a.code, a.name, COALESCE(p.population, a.population) AS population, \
                     a.geometry FROM areas a \
                     LEFT JOIN area_populations p ON p.layer = a.layer AND p.code = a.code \
                     WHERE a.layer = $1 ORDER BY a.code",
                    $bytes
                ))
                .bind(layer)
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(AreaRow::into_area)
                .collect()
            }

            async fn dataset_keys(&self) -> Result<Vec<String>, $crate::StoreError> {
                let rows: Vec<(String,)> =
                    sqlx::query_as("SELECT dataset_key FROM source_files ORDER BY dataset_key")
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows.into_iter().map(|(k,)| k).collect())
            }

            async fn imports(&self) -> Result<Vec<$crate::ImportRun>, $crate::StoreError> {
                Ok(sqlx::query_as(
                    "SELECT id, kind, created_at, files, accepted, rejected, unchanged \
                     FROM imports ORDER BY id DESC",
                )
                .fetch_all(&self.pool)
                .await?)
            }

            async fn rejected_rows(
                &self,
                import_id: Option<i64>,
                limit: i64,
                offset: i64,
            ) -> Result<Vec<$crate::StoredRejectedRow>, $crate::StoreError> {
                Ok(sqlx::query_as(
                    "SELECT r.id, f.import_id, r.file_name, r.line, r.field, r.reason, r.raw \
                     FROM rejected_rows r JOIN source_files f ON f.id = r.file_id \
                     WHERE (CAST($1 AS BIGINT) IS NULL OR f.import_id = $1) \
                     ORDER BY r.id LIMIT $2 OFFSET $3",
                )
                .bind(import_id)
                .bind(limit)
                .bind(offset)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn ping(&self) -> Result<(), $crate::StoreError> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }
        }
    };
}

/// `impl InterventionStore for $store`; `$geom_column` and `$geom_value`
/// add a geometry column made from the area (`$3`), for PostGIS.
macro_rules! intervention_store {
    ($store:ty, $geom_column:literal, $geom_value:literal) => {
        #[async_trait::async_trait]
        impl $crate::InterventionStore for $store {
            async fn create_intervention(
                &self,
                i: &$crate::NewIntervention,
            ) -> Result<$crate::Intervention, $crate::StoreError> {
                use sqlx::Row;
                use $crate::common::{area_geojson, format_date, json_list, now};
                let created_at = now();
                let id: i64 = sqlx::query(concat!(
                    "INSERT INTO interventions (name, kind, area, site_lon, site_lat, radius_m, \
                     start_date, end_date, buffer_m, crime_groups, crime_types, notes, \
                     created_by, created_at",
                    $geom_column,
                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14",
                    $geom_value,
                    ") RETURNING id"
                ))
                .bind(&i.name)
                .bind(&i.kind)
                .bind(area_geojson(&i.area))
                .bind(i.site.map(|s| s.lon))
                .bind(i.site.map(|s| s.lat))
                .bind(i.site.map(|s| s.radius_m))
                .bind(format_date(Some(i.start_date)))
                .bind(format_date(i.end_date))
                .bind(i.buffer_m)
                .bind(json_list(&i.groups))
                .bind(json_list(&i.types))
                .bind(i.notes.as_deref())
                .bind(i.created_by.as_deref())
                .bind(&created_at)
                .fetch_one(&self.pool)
                .await?
                .try_get(0)?;
                Ok($crate::Intervention {
                    id,
                    created_at,
                    intervention: i.clone(),
                })
            }

            async fn interventions(&self) -> Result<Vec<$crate::Intervention>, $crate::StoreError> {
                use $crate::common::{InterventionRow, INTERVENTION_COLUMNS};
                sqlx::query_as::<_, InterventionRow>(&format!(
                    "SELECT {INTERVENTION_COLUMNS} FROM interventions \
                     ORDER BY start_date DESC, id DESC"
                ))
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(InterventionRow::into_intervention)
                .collect()
            }

            async fn intervention(
                &self,
                id: i64,
            ) -> Result<Option<$crate::Intervention>, $crate::StoreError> {
                use $crate::common::{InterventionRow, INTERVENTION_COLUMNS};
                sqlx::query_as::<_, InterventionRow>(&format!(
                    "SELECT {INTERVENTION_COLUMNS} FROM interventions WHERE id = $1"
                ))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
                .map(InterventionRow::into_intervention)
                .transpose()
            }

            async fn delete_intervention(&self, id: i64) -> Result<bool, $crate::StoreError> {
                let done = sqlx::query("DELETE FROM interventions WHERE id = $1")
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() > 0)
            }
        }
    };
}

account_store!(crate::SqliteStore, "");
account_store!(crate::PostgresStore, " COLLATE \"C\"");
incident_store!(crate::SqliteStore, "");
incident_store!(crate::PostgresStore, " COLLATE \"C\"");
intervention_store!(crate::SqliteStore, "", "");
intervention_store!(
    crate::PostgresStore,
    ", geom",
    ", ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($3), 4326))"
);
