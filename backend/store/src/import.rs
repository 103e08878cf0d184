//! The import flows both stores share: each import is one transaction that
//! records a run, skips files whose bytes were imported before, replaces
//! older versions of a dataset, and lands whole or not at all. Incident
//! imports are fed a file at a time ([`TxImport`]), so that a batch of
//! millions of rows never has to sit in memory whole.
//!
//! Only the statements differ between the databases (placeholders,
//! PostgreSQL's row lock and PostGIS columns), so each store implements
//! [`ImportTx`] for its `sqlx::Transaction` and calls the functions here.

use std::collections::HashSet;

use async_trait::async_trait;
use hotspot_core::{Area, Incident};
use sqlx::{Database, Transaction};

use crate::common::{report, split_populations, unchanged_report};
use crate::{
    AreaBatch, FileOutcome, FileReport, ImportReport, IncidentBatch, IncidentFile, IncidentImport,
    PopulationBatch, RejectedRow, StoreError,
};

/// Outcomes sent to the database per statement.
pub(crate) const OUTCOME_CHUNK: usize = 400;

/// An import's statements in one backend's transaction.
#[async_trait]
pub(crate) trait ImportTx: Send {
    /// Records a new import run; returns its id.
    async fn begin_import(&mut self, kind: &str) -> Result<i64, StoreError>;
    /// Tunes the connection for (`true`) or back from (`false`) writing
    /// millions of rows in this transaction; by default nothing.
    async fn bulk_mode(&mut self, _on: bool) -> Result<(), StoreError> {
        Ok(())
    }
    /// Looks up a dataset's current version. Returns the outcome for a file
    /// with `sha256`, deleting the old version when it is replaced.
    async fn claim_dataset(
        &mut self,
        dataset_key: &str,
        sha256: &str,
    ) -> Result<FileOutcome, StoreError>;
    /// Records the new current version of a dataset; returns its id.
    async fn insert_source_file(
        &mut self,
        import_id: i64,
        file: &FileReport,
        sha256: &str,
    ) -> Result<i64, StoreError>;
    async fn insert_incidents(
        &mut self,
        file_id: i64,
        incidents: &[Incident],
    ) -> Result<(), StoreError>;
    async fn insert_rejected(
        &mut self,
        file_id: i64,
        file_name: &str,
        rows: &[RejectedRow],
    ) -> Result<(), StoreError>;
    /// Replaces every area of `layer` with `areas`.
    async fn replace_areas(
        &mut self,
        file_id: i64,
        layer: &str,
        areas: &[Area],
    ) -> Result<(), StoreError>;
    /// The codes of the areas of `layer`.
    async fn area_codes(&mut self, layer: &str) -> Result<HashSet<String>, StoreError>;
    /// Replaces every population of `layer` with `populations` (code, value).
    async fn replace_populations(
        &mut self,
        file_id: i64,
        layer: &str,
        populations: &[(&String, &f64)],
    ) -> Result<(), StoreError>;
    /// Gives stored crimes (by Crime ID) their latest outcome; how many
    /// changed.
    async fn update_outcomes(&mut self, outcomes: &[(String, String)]) -> Result<u64, StoreError>;
    /// Stores the run's totals.
    async fn finish_import(
        &mut self,
        import_id: i64,
        files: &[FileReport],
    ) -> Result<(), StoreError>;
}

/// An incident import in one backend's open transaction: the shared
/// implementation of [`IncidentImport`] behind
/// [`crate::IncidentStore::begin_incident_import`].
pub(crate) struct TxImport<DB: Database> {
    tx: Transaction<'static, DB>,
    import_id: i64,
    kind: String,
    files: Vec<FileReport>,
    outcomes: Vec<(String, String)>,
}

impl<DB: Database> TxImport<DB>
where
    for<'c> Transaction<'c, DB>: ImportTx,
{
    /// Records a run of `kind` in `tx`, which the import then owns.
    pub(crate) async fn begin(
        mut tx: Transaction<'static, DB>,
        kind: &str,
    ) -> Result<Self, StoreError> {
        let import_id = tx.begin_import(kind).await?;
        tx.bulk_mode(true).await?;
        Ok(TxImport {
            tx,
            import_id,
            kind: kind.to_string(),
            files: Vec::new(),
            outcomes: Vec::new(),
        })
    }
}

#[async_trait]
impl<DB: Database> IncidentImport for TxImport<DB>
where
    for<'c> Transaction<'c, DB>: ImportTx,
{
    async fn add_file(&mut self, file: &IncidentFile) -> Result<FileOutcome, StoreError> {
        let tx = &mut self.tx;
        let outcome = tx.claim_dataset(&file.dataset_key, &file.sha256).await?;
        let changed = outcome != FileOutcome::Unchanged;
        let rep = FileReport {
            file_name: file.file_name.clone(),
            dataset_key: file.dataset_key.clone(),
            outcome,
            rows: file.rows,
            accepted: if changed {
                file.incidents.len() as u64
            } else {
                0
            },
            rejected: if changed {
                file.rejected.len() as u64
            } else {
                0
            },
            notes: file.notes.clone(),
        };
        if changed {
            let file_id = tx
                .insert_source_file(self.import_id, &rep, &file.sha256)
                .await?;
            tx.insert_incidents(file_id, &file.incidents).await?;
            tx.insert_rejected(file_id, &file.file_name, &file.rejected)
                .await?;
        }
        self.files.push(rep);
        Ok(outcome)
    }

    fn add_outcomes(&mut self, outcomes: Vec<(String, String)>) {
        self.outcomes.extend(outcomes);
    }

    async fn commit(self: Box<Self>) -> Result<ImportReport, StoreError> {
        let TxImport {
            mut tx,
            import_id,
            kind,
            files,
            outcomes,
        } = *self;
        tx.bulk_mode(false).await?;
        let outcomes_updated = match outcomes.is_empty() {
            true => 0,
            false => tx.update_outcomes(&outcomes).await?,
        };
        if outcomes_updated == 0 && files.iter().all(|f| f.outcome == FileOutcome::Unchanged) {
            tx.rollback().await?;
            return Ok(unchanged_report(&kind, files));
        }
        tx.finish_import(import_id, &files).await?;
        tx.commit().await?;
        Ok(ImportReport {
            outcomes_updated,
            ..report(import_id, &kind, files)
        })
    }

    async fn rollback(self: Box<Self>) -> Result<(), StoreError> {
        let mut tx = self.tx;
        tx.bulk_mode(false).await?;
        Ok(tx.rollback().await?)
    }
}

/// [`crate::Store::import_incidents`]: the batch's files fed to one
/// [`TxImport`] in `tx`.
pub(crate) async fn incidents<DB: Database>(
    tx: Transaction<'static, DB>,
    batch: IncidentBatch,
) -> Result<ImportReport, StoreError>
where
    for<'c> Transaction<'c, DB>: ImportTx,
{
    // On an error the import is dropped, and with it the transaction: sqlx
    // rolls it back.
    let mut import = Box::new(TxImport::begin(tx, &batch.kind).await?);
    for file in &batch.files {
        import.add_file(file).await?;
    }
    import.add_outcomes(batch.outcomes);
    import.commit().await
}

/// [`crate::Store::import_areas`] in the transaction `tx`.
pub(crate) async fn areas<DB: Database>(
    mut tx: Transaction<'_, DB>,
    batch: AreaBatch,
) -> Result<ImportReport, StoreError>
where
    for<'c> Transaction<'c, DB>: ImportTx,
{
    let kind = "boundaries";
    let dataset_key = format!("boundaries:{}", batch.layer);
    let import_id = tx.begin_import(kind).await?;
    let outcome = tx.claim_dataset(&dataset_key, &batch.sha256).await?;
    let file = FileReport {
        file_name: batch.file_name.clone(),
        dataset_key: dataset_key.clone(),
        outcome,
        rows: (batch.areas.len() + batch.rejected.len()) as u64,
        accepted: batch.areas.len() as u64,
        rejected: batch.rejected.len() as u64,
        notes: Vec::new(),
    };
    if outcome == FileOutcome::Unchanged {
        tx.rollback().await?;
        return Ok(unchanged_report(kind, vec![file]));
    }
    let file_id = tx
        .insert_source_file(import_id, &file, &batch.sha256)
        .await?;
    // A boundary set is replaced whole, even if an older set of this layer
    // was imported under another key.
    tx.replace_areas(file_id, &batch.layer, &batch.areas)
        .await?;
    tx.insert_rejected(file_id, &batch.file_name, &batch.rejected)
        .await?;
    let files = vec![file];
    tx.finish_import(import_id, &files).await?;
    tx.commit().await?;
    Ok(report(import_id, kind, files))
}

/// [`crate::Store::import_populations`] in the transaction `tx`.
pub(crate) async fn populations<DB: Database>(
    mut tx: Transaction<'_, DB>,
    batch: PopulationBatch,
) -> Result<ImportReport, StoreError>
where
    for<'c> Transaction<'c, DB>: ImportTx,
{
    let kind = "population";
    let dataset_key = format!("population:{}", batch.layer);
    let import_id = tx.begin_import(kind).await?;
    let outcome = tx.claim_dataset(&dataset_key, &batch.sha256).await?;
    if outcome == FileOutcome::Unchanged {
        tx.rollback().await?;
        let file = FileReport {
            file_name: batch.file_name,
            dataset_key,
            outcome,
            rows: batch.rows,
            accepted: 0,
            rejected: 0,
            notes: Vec::new(),
        };
        return Ok(unchanged_report(kind, vec![file]));
    }
    let known = tx.area_codes(&batch.layer).await?;
    let (accepted, rejected) = split_populations(&batch, &known);
    if accepted.is_empty() && !rejected.is_empty() {
        // Replacing a layer's populations with none is never what was meant.
        tx.rollback().await?;
        let first = &rejected[0];
        return Err(StoreError::NothingAccepted(format!(
            "{}: all {} rows were rejected, nothing imported; first: line {}: {} \
             (import the boundaries of layer {:?} first, or check the layer and code column)",
            batch.file_name,
            rejected.len(),
            first.line,
            first.reason,
            batch.layer
        )));
    }
    let file = FileReport {
        file_name: batch.file_name.clone(),
        dataset_key: dataset_key.clone(),
        outcome,
        rows: batch.rows,
        accepted: accepted.len() as u64,
        rejected: rejected.len() as u64,
        notes: Vec::new(),
    };
    let file_id = tx
        .insert_source_file(import_id, &file, &batch.sha256)
        .await?;
    tx.replace_populations(file_id, &batch.layer, &accepted)
        .await?;
    tx.insert_rejected(file_id, &batch.file_name, &rejected)
        .await?;
    let files = vec![file];
    tx.finish_import(import_id, &files).await?;
    tx.commit().await?;
    Ok(report(import_id, kind, files))
}
