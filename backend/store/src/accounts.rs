//! Accounts and tokens, written once for both backends.
//!
//! Their SQL differs between SQLite and PostgreSQL only in placeholders, and
//! `$N` placeholders work in both: SQLite reads `$1` as a named parameter,
//! numbered in order of first use, so each query below uses `$1`, `$2`, ...
//! in ascending order of first appearance. The only other difference, how
//! `ORDER BY` compares names, is the macro's second argument: bytewise in
//! both (SQLite's default; PostgreSQL's "C" collation), so both list users
//! in the same order. The conformance suite runs these on both backends.

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

account_store!(crate::SqliteStore, "");
account_store!(crate::PostgresStore, " COLLATE \"C\"");
