//! GeoTIFF output of a density surface in EPSG:27700.

use std::io::{Seek, Write};

use tiff::encoder::{colortype::Gray32Float, TiffEncoder};
use tiff::tags::Tag;

use crate::{DensityError, DensityGrid, GridSpec};

/// `ModelPixelScaleTag`: cell size in x, y, z.
pub const TAG_MODEL_PIXEL_SCALE: u16 = 33550;
/// `ModelTiepointTag`: raster point (i, j, k) ↔ model point (x, y, z).
pub const TAG_MODEL_TIEPOINT: u16 = 33922;
/// `GeoKeyDirectoryTag`: the GeoTIFF keys.
pub const TAG_GEO_KEY_DIRECTORY: u16 = 34735;
/// GDAL's no-data tag (ASCII).
pub const TAG_GDAL_NODATA: u16 = 42113;

/// GeoKey directory: header (version 1, revision 1.0, 4 keys) then
/// `GTModelTypeGeoKey = 1` (projected), `GTRasterTypeGeoKey = 1`
/// (PixelIsArea: the tiepoint is the corner of the first cell, matching
/// [`GridSpec::west`](crate::GridSpec::west)/`north`),
/// `ProjectedCSTypeGeoKey = 27700` (British National Grid) and
/// `ProjLinearUnitsGeoKey = 9001` (metre).
pub const GEO_KEYS: [u16; 20] = [
    1, 1, 0, 4, //
    1024, 0, 1, 1, //
    1025, 0, 1, 1, //
    3072, 0, 1, 27700, //
    3076, 0, 1, 9001,
];

/// Writes `grid` as a single-band Float32 GeoTIFF in EPSG:27700.
///
/// Values are densities per km², row 0 at the top (north), which is the
/// order [`DensityGrid`] already holds. The file is georeferenced with a
/// tiepoint from raster `(0, 0)` to `(west, north)`, a pixel scale of
/// `(cell, cell, 0)` and GeoKeys for a projected BNG raster, so QGIS, ArcGIS
/// and GDAL place it without a sidecar file. No-data is not set: zero is a
/// real density ("no incidents near here"), not a missing value.
///
/// ```
/// use hotspot_density::{kde, write_geotiff, GridSpec};
/// let spec = GridSpec::covering(0.0, 0.0, 1_000.0, 1_000.0, 50.0).unwrap();
/// let grid = kde(&[[500.0, 500.0]], None, &spec, 200.0).unwrap();
/// let mut buf = std::io::Cursor::new(Vec::new());
/// write_geotiff(&grid, &mut buf).unwrap();
/// assert_eq!(&buf.get_ref()[..4], b"II*\0");
/// ```
pub fn write_geotiff<W: Write + Seek>(grid: &DensityGrid, out: W) -> Result<(), DensityError> {
    write_raster(&grid.spec, &grid.values, DESCRIPTION, None, out)
}

/// Writes `values` on `spec` (row 0 at the top) as a single-band Float32
/// GeoTIFF in EPSG:27700, with `description` and the attribution and
/// licence in its tags; `nodata` (e.g. NaN for cells outside the study
/// area) is declared with GDAL's no-data tag when given.
///
/// ```
/// use hotspot_density::{write_raster, GridSpec};
/// let spec = GridSpec::covering(0.0, 0.0, 100.0, 100.0, 50.0).unwrap();
/// let mut buf = std::io::Cursor::new(Vec::new());
/// write_raster(&spec, &vec![1.5; spec.len()], "Gi* z-scores", Some(f64::NAN), &mut buf).unwrap();
/// assert_eq!(&buf.get_ref()[..4], b"II*\0");
/// ```
pub fn write_raster<W: Write + Seek>(
    spec: &GridSpec,
    values: &[f64],
    description: &str,
    nodata: Option<f64>,
    out: W,
) -> Result<(), DensityError> {
    if values.len() != spec.len() {
        return Err(DensityError::ValuesLength {
            values: values.len(),
            cells: spec.len(),
        });
    }
    let too_large = || DensityError::GridTooLarge {
        cols: spec.cols,
        rows: spec.rows,
        cells: spec.len(),
        limit: u32::MAX as usize,
    };
    let width = u32::try_from(spec.cols).map_err(|_| too_large())?;
    let height = u32::try_from(spec.rows).map_err(|_| too_large())?;
    // Float32 halves the file against f64 and keeps ~7 significant digits,
    // far more than these estimates carry.
    let data: Vec<f32> = values.iter().map(|&v| v as f32).collect();

    let mut encoder = TiffEncoder::new(out)?;
    let mut image = encoder.new_image::<Gray32Float>(width, height)?;
    {
        let dir = image.encoder();
        dir.write_tag(Tag::ModelPixelScaleTag, &[spec.cell, spec.cell, 0.0][..])?;
        dir.write_tag(
            Tag::ModelTiepointTag,
            &[0.0, 0.0, 0.0, spec.west, spec.north, 0.0][..],
        )?;
        dir.write_tag(Tag::GeoKeyDirectoryTag, &GEO_KEYS[..])?;
        // The terms travel with the file (GDAL shows them as TIFFTAG_*).
        dir.write_tag(Tag::ImageDescription, description)?;
        dir.write_tag(Tag::Copyright, COPYRIGHT.as_str())?;
        if let Some(n) = nodata {
            let text = if n.is_nan() {
                "nan".to_string()
            } else {
                n.to_string()
            };
            dir.write_tag(Tag::GdalNodata, text.as_str())?;
        }
    }
    image.write_data(&data)?;
    Ok(())
}

/// What the raster holds.
const DESCRIPTION: &str =
    "Hotspot kernel density of incidents, per km2 (quartic kernel), British National Grid (EPSG:27700)";

/// The attribution and licence, as every Hotspot output carries them (TIFF
/// text is ASCII: `©` becomes `(c)`).
static COPYRIGHT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    use hotspot_core::disclosure::*;
    format!("{OGL_ATTRIBUTION}. {BOUNDARIES_ATTRIBUTION}. Licence: {OGL_LICENCE} {OGL_LICENCE_URL}")
        .replace('©', "(c)")
});

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;
    use tiff::decoder::{Decoder, DecodingResult};

    #[test]
    fn round_trip_values_and_geo_tags() {
        let spec = GridSpec {
            west: 448_250.0,
            north: 263_500.0,
            cell: 50.0,
            cols: 7,
            rows: 3,
        };
        let values: Vec<f64> = (0..spec.len()).map(|i| i as f64 * 1.5).collect();
        let grid = DensityGrid {
            spec,
            bandwidth: 400.0,
            values: values.clone(),
        };
        let mut buf = Cursor::new(Vec::new());
        write_geotiff(&grid, &mut buf).unwrap();
        buf.set_position(0);

        // The tiff crate knows these tags by name; make sure the names are
        // the GeoTIFF numbers.
        assert_eq!(Tag::ModelPixelScaleTag.to_u16(), TAG_MODEL_PIXEL_SCALE);
        assert_eq!(Tag::ModelTiepointTag.to_u16(), TAG_MODEL_TIEPOINT);
        assert_eq!(Tag::GeoKeyDirectoryTag.to_u16(), TAG_GEO_KEY_DIRECTORY);
        assert_eq!(Tag::GdalNodata.to_u16(), TAG_GDAL_NODATA);
        let mut dec = Decoder::new(buf).unwrap();
        assert_eq!(dec.dimensions().unwrap(), (7, 3));
        let scale = dec.get_tag_f64_vec(Tag::ModelPixelScaleTag).unwrap();
        assert_eq!(scale, vec![50.0, 50.0, 0.0]);
        let tie = dec.get_tag_f64_vec(Tag::ModelTiepointTag).unwrap();
        assert_eq!(tie, vec![0.0, 0.0, 0.0, 448_250.0, 263_500.0, 0.0]);
        let keys = dec.get_tag_u16_vec(Tag::GeoKeyDirectoryTag).unwrap();
        let copyright = dec.get_tag_ascii_string(Tag::Copyright).unwrap();
        assert!(
            copyright.contains("Open Government Licence v3.0"),
            "{copyright}"
        );
        assert_eq!(keys, GEO_KEYS.to_vec());
        // Key entries: model type projected, raster PixelIsArea, EPSG 27700.
        let key = |id: u16| keys.chunks(4).skip(1).find(|k| k[0] == id).map(|k| k[3]);
        assert_eq!(key(1024), Some(1));
        assert_eq!(key(1025), Some(1));
        assert_eq!(key(3072), Some(27700));
        match dec.read_image().unwrap() {
            DecodingResult::F32(v) => {
                assert_eq!(v.len(), values.len());
                for (a, b) in v.iter().zip(&values) {
                    assert_eq!(*a as f64, *b);
                }
            }
            other => panic!(
                "expected Float32 samples, got {:?}",
                std::mem::discriminant(&other)
            ),
        }
    }

    #[test]
    fn rejects_inconsistent_grid() {
        let spec = GridSpec {
            west: 0.0,
            north: 0.0,
            cell: 1.0,
            cols: 2,
            rows: 2,
        };
        let grid = DensityGrid {
            spec,
            bandwidth: 1.0,
            values: vec![0.0; 3],
        };
        assert!(matches!(
            write_geotiff(&grid, Cursor::new(Vec::new())),
            Err(DensityError::ValuesLength { .. })
        ));
    }
}
