//! What an intervention's evaluation finds: counts before and after in the
//! target, buffer and comparison areas, and the weighted displacement
//! quotient. Plain data, here so the engine that computes it, the API that
//! serves it and the map client that reads it share one definition.

use serde::{Deserialize, Serialize};

use crate::{Month, MonthRange};

/// Counts of the targeted crimes in one area.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeriodCounts {
    /// The count over the before period, as recorded.
    pub before: u64,
    /// `before × before_scale`: the before count for a period as long as the
    /// after one, which the percentages and the WDQ compare.
    #[serde(default)]
    pub before_scaled: f64,
    pub after: u64,
    /// `(after − before×scale) / (before×scale) × 100`, the before count
    /// scaled to the after period's length; `None` when `before` is 0.
    pub change_pct: Option<f64>,
}

/// The periods compared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluationPeriods {
    pub before: MonthRange,
    pub after: MonthRange,
    /// Months of the before period with data (gap months left out).
    pub before_months: u32,
    /// Months of the after period with data.
    pub after_months: u32,
    /// Months of the before period with no data for any source.
    pub before_gap_months: Vec<Month>,
    /// Months of the after period with no data for any source.
    pub after_gap_months: Vec<Month>,
    /// The month the intervention started in, when it started mid-month:
    /// left out of both periods.
    pub excluded_month: Option<Month>,
    /// `after_months / before_months` (months with data): what before
    /// counts are multiplied by for the WDQ and the percentages.
    pub before_scale: f64,
    /// How the periods were drawn, in words.
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WardRef {
    pub code: String,
    pub name: String,
}

/// The comparison area and why it was used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ControlChoice {
    /// `automatic`, `wards` or `area`.
    pub method: String,
    /// The wards making up the control (empty for a polygon).
    pub wards: Vec<WardRef>,
    pub reason: String,
    /// The `hotspot_planning::choose_comparison` distance score (automatic only; lower is
    /// more similar).
    pub score: Option<f64>,
    /// Wards left out because they touch the target or its buffer.
    pub excluded_adjacent: Vec<String>,
}

/// The weighted displacement quotient and its parts (Bowers & Johnson
/// 2003), as `hotspot_planning::wdq` computes them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WdqResult {
    /// `(after − before) / before × 100`; `None` when `before` is 0.
    pub target_change_pct: Option<f64>,
    pub buffer_change_pct: Option<f64>,
    pub control_change_pct: Option<f64>,
    /// `Ra/Ca − Rb/Cb`; negative when the target improved relative to the
    /// control.
    pub success_measure: f64,
    /// `Da/Ca − Db/Cb`; positive when the buffer worsened relative to the
    /// control.
    pub buffer_measure: f64,
    /// `buffer_measure / success_measure`; `None` unless the success measure
    /// is negative (no reduction in the target: nothing to weigh the buffer
    /// against).
    pub wdq: Option<f64>,
    /// `(Rb·Ca/Cb − Ra) + (Db·Ca/Cb − Da)`: crimes prevented across target
    /// and buffer relative to the control's trend (negative: more crime).
    pub total_net_effect: f64,
    /// The reading of the WDQ per Bowers & Johnson (2003), in words.
    pub interpretation: String,
    /// Regression to the mean (always first), small counts (when any count
    /// is below `hotspot_planning::SMALL_COUNT`), and what the measure cannot tell.
    pub caveats: Vec<String>,
}

/// The verdict with one before period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BeforeWindow {
    pub before: MonthRange,
    /// Which window: `used` (the evaluation's), `double` (twice as long,
    /// ending at the same month) or `year_earlier` (the after months a
    /// year before).
    pub kind: String,
    pub target_before: u64,
    pub target_before_scaled: f64,
    pub wdq: Option<f64>,
    /// The WDQ's verdict in a few words, or why none could be computed.
    pub verdict: String,
    /// Whether a WDQ could be computed with this window.
    pub computed: bool,
}

/// Whether the verdict depends on the before period chosen.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Robustness {
    /// The evaluation's before period first, then the others the data allows.
    pub windows: Vec<BeforeWindow>,
    /// Two or more windows were computed and all give the same verdict.
    pub holds: bool,
    /// In words, for the evaluation panel.
    pub note: String,
}

/// The evaluation of one intervention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evaluation {
    pub periods: EvaluationPeriods,
    pub target: PeriodCounts,
    pub buffer: PeriodCounts,
    pub control: PeriodCounts,
    pub control_choice: ControlChoice,
    /// Success and buffer measures, WDQ, total net effect, interpretation and
    /// caveats, on the (scaled) counts.
    pub wdq: WdqResult,
    pub interpretation: String,
    /// Regression to the mean first, then the rest.
    pub caveats: Vec<String>,
    /// The verdict with two or three before windows.
    #[serde(default)]
    pub robustness: Robustness,
}
