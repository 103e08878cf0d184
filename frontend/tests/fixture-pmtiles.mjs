// Writes a small PMTiles v3 archive for the basemap tests: one
// uncompressed vector tile (z0) in the Protomaps basemap schema with the
// sample borough's surroundings as water, a named road and a place. Built
// by hand (the MVT protobuf and the PMTiles header and directory are short),
// so the tests download nothing.
//
//   node tests/fixture-pmtiles.mjs OUT.pmtiles
import fs from 'node:fs';

const EXTENT = 4096;

/** WGS84 → z0 tile coordinates (y down). */
function tile([lon, lat]) {
  const y = (1 - Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)) / Math.PI) / 2;
  return [Math.round(((lon + 180) / 360) * EXTENT), Math.round(y * EXTENT)];
}

function varint(n, out) {
  let v = BigInt(n);
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

const zigzag = (n) => (n << 1) ^ (n >> 31);
const field = (num, wire) => (num << 3) | wire;
function bytesField(num, bytes, out) {
  out.push(field(num, 2));
  varint(bytes.length, out);
  out.push(...bytes);
  return out;
}
const utf8 = (s) => [...Buffer.from(s, 'utf8')];

/** MVT geometry commands for `rings` (polygon) or one `line`. */
function geometry(parts, close) {
  const cmds = [];
  let [cx, cy] = [0, 0];
  for (const pts of parts) {
    const move = (p) => { cmds.push(zigzag(p[0] - cx), zigzag(p[1] - cy)); [cx, cy] = p; };
    cmds.push((1 & 7) | (1 << 3));
    move(pts[0]);
    const rest = pts.slice(1);
    cmds.push((2 & 7) | (rest.length << 3));
    rest.forEach(move);
    if (close) cmds.push((7 & 7) | (1 << 3));
  }
  return cmds;
}

/** A layer with one feature: `type` 1 point, 2 line, 3 polygon. */
function layer(name, type, geom, props = {}) {
  const keys = Object.keys(props);
  const feature = [];
  varint(1, [field(1, 0)]).forEach((b) => feature.push(b));
  if (keys.length) {
    const tags = [];
    keys.forEach((_, i) => { varint(i, tags); varint(i, tags); });
    bytesField(2, tags, feature);
  }
  feature.push(field(3, 0));
  varint(type, feature);
  const g = [];
  geom.forEach((c) => varint(c, g));
  bytesField(4, g, feature);
  const out = [];
  out.push(field(15, 0));
  varint(2, out);
  bytesField(1, utf8(name), out);
  bytesField(2, feature, out);
  keys.forEach((k) => bytesField(3, utf8(k), out));
  keys.forEach((k) => bytesField(4, bytesField(1, utf8(String(props[k])), []), out));
  out.push(field(5, 0));
  varint(EXTENT, out);
  return out;
}

/** A closed ring with positive area in tile coordinates (MVT's exterior). */
function ring(corners) {
  const pts = corners.map(tile);
  const area = pts.reduce((s, p, i) => {
    const q = pts[(i + 1) % pts.length];
    return s + p[0] * q[1] - q[0] * p[1];
  }, 0);
  return area > 0 ? pts : pts.reverse();
}

const water = ring([[-1.4, 52.0], [-0.6, 52.0], [-0.6, 52.5], [-1.4, 52.5]]);
const earth = ring([[-179, -80], [179, -80], [179, 80], [-179, 80]]);
const road = [tile([-1.3, 52.1]), tile([-0.7, 52.4])];
const layers = [
  layer('earth', 3, geometry([earth], true)),
  layer('water', 3, geometry([water], true), { kind: 'water' }),
  layer('roads', 2, geometry([road], false), { kind: 'major_road', name: 'Fixture Road' }),
  layer('places', 1, [(1 & 7) | (1 << 3), ...tile([-0.9, 52.25]).map(zigzag)], { kind: 'locality', name: 'Fixture Town' }),
];
const tileBytes = [];
layers.forEach((l) => bytesField(3, l, tileBytes));

// PMTiles v3: header, root directory (one entry, tile 0), metadata, tile.
const dir = [];
varint(1, dir); // entries
varint(0, dir); // tile id (delta)
varint(1, dir); // run length
varint(tileBytes.length, dir); // length
varint(1, dir); // offset + 1
const metadata = utf8(JSON.stringify({
  name: 'Hotspot test basemap',
  vector_layers: ['earth', 'water', 'roads', 'places'].map((id) => ({ id, fields: {} })),
}));
const header = Buffer.alloc(127);
header.write('PMTiles', 0, 'ascii');
header.writeUInt8(3, 7);
const u64 = (v, at) => header.writeBigUInt64LE(BigInt(v), at);
const dirOffset = 127;
const metaOffset = dirOffset + dir.length;
const tileOffset = metaOffset + metadata.length;
u64(dirOffset, 8); u64(dir.length, 16);
u64(metaOffset, 24); u64(metadata.length, 32);
u64(tileOffset, 40); u64(0, 48); // no leaf directories
u64(tileOffset, 56); u64(tileBytes.length, 64);
u64(1, 72); u64(1, 80); u64(1, 88);
header.writeUInt8(1, 96); // clustered
header.writeUInt8(1, 97); // internal compression: none
header.writeUInt8(1, 98); // tile compression: none
header.writeUInt8(1, 99); // tile type: MVT
header.writeUInt8(0, 100); // min zoom
header.writeUInt8(0, 101); // max zoom
header.writeInt32LE(-180e7, 102); header.writeInt32LE(-85e7, 106);
header.writeInt32LE(180e7, 110); header.writeInt32LE(85e7, 114);
header.writeUInt8(0, 118);
header.writeInt32LE(-0.9e7, 119); header.writeInt32LE(52.25e7, 123);

const out = process.argv[2];
if (!out) throw new Error('usage: node tests/fixture-pmtiles.mjs OUT.pmtiles');
fs.writeFileSync(out, Buffer.concat([header, Buffer.from(dir), Buffer.from(metadata), Buffer.from(tileBytes)]));
console.log(`wrote ${out}`);
