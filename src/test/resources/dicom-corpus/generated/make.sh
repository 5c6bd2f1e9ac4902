#!/bin/sh
# Regenerates the DICOM files in this folder: a synthetic chest phantom (no patient data), written uncompressed
# by pydicom and then encoded by other DICOM toolkits (DCMTK, GDCM), so the tests read files that ChestLens did not
# write. Needs Debian's dcmtk and libgdcm-tools and a pydicom wheel:
#   apt-get install -y dcmtk libgdcm-tools
#   sh make.sh /opt/pypi/files/pydicom-3.0.2-py3-none-any.whl
set -eu
wheel=${1:?path to a pydicom wheel}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unzip -q "$wheel" -d "$work/pydicom"
cd "$work"
PYTHONPATH="$work/pydicom" /usr/bin/python3 - <<'PY'
import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

def phantom(size, rng):
    """A chest-like phantom in 12-bit values: body, two lungs, heart, spine, ribs, noise."""
    y, x = np.mgrid[0:size, 0:size] / size
    img = np.full((size, size), 150.0)
    body = ((x - 0.5) / 0.44) ** 2 + ((y - 0.62) / 0.62) ** 2 < 1
    img[body] = 2600
    for cx in (0.305, 0.695):
        img[((x - cx) / 0.165) ** 2 + ((y - 0.51) / 0.39) ** 2 < 1] = 900
    img[((x - 0.55) / 0.15) ** 2 + ((y - 0.66) / 0.215) ** 2 < 1] = 3000
    img[(abs(x - 0.5) < 0.04)] = 3300
    for i in range(7):
        rib = abs(y - (0.16 + 0.10 * i) - 0.05 * np.cos((x - 0.5) * 6)) < 0.008
        img[rib & body] += 500
    img += rng.normal(0, 40, img.shape)
    return np.clip(img, 0, 4095).astype(np.uint16)

def write(name, pixels, photometric="MONOCHROME2", samples=1, bits=16, stored=12):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.1.1"  # Digital X-Ray Image Storage - For Presentation
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.Modality = "DX"
    ds.PatientName = "Phantom^Synthetic"
    ds.PatientID = "PHANTOM-0001"
    ds.SamplesPerPixel = samples
    ds.PhotometricInterpretation = photometric
    if samples == 3:
        ds.PlanarConfiguration = 0
    ds.Rows, ds.Columns = pixels.shape[:2]
    ds.BitsAllocated = bits
    ds.BitsStored = stored
    ds.HighBit = stored - 1
    ds.PixelRepresentation = 0
    if samples == 1 and stored > 8:
        ds.WindowCenter = 2048
        ds.WindowWidth = 4096
    ds.PixelData = pixels.tobytes()
    ds.save_as(name, enforce_file_format=True)

rng = np.random.default_rng(14)
grey = phantom(192, rng)
write("phantom_uncompressed.dcm", grey)
write("phantom_8bit.dcm", (grey >> 4).astype(np.uint8), bits=8, stored=8)
colour = np.stack([(grey >> 4).astype(np.uint8)] * 3, axis=-1)
colour[..., 0] = np.clip(colour[..., 0].astype(int) + 30, 0, 255)  # a warm tint, like a photographed film
write("phantom_rgb.dcm", colour, photometric="RGB", samples=3, bits=8, stored=8)
# A small 12-bit colour phantom for 12-bit lossy JPEG of three components (drawn last: the files above keep their noise).
small = phantom(96, rng)
colour12 = np.stack([small] * 3, axis=-1)
colour12[..., 0] = np.clip(colour12[..., 0].astype(int) + 480, 0, 4095)
write("phantom_rgb12.dcm", colour12, photometric="RGB", samples=3, bits=16, stored=12)
PY
# DCMTK: JPEG lossless process 14 SV1 (16 bits allocated, 12 stored), 12-bit lossy JPEG extended (process 4),
# 8-bit baseline, and baseline colour in YBR_FULL_422.
dcmcjpeg +e1 phantom_uncompressed.dcm "$here/dcmtk_jpeg_lossless_sv1_12bit.dcm"
dcmcjpeg +ee phantom_uncompressed.dcm "$here/dcmtk_jpeg_extended_12bit.dcm"
dcmcjpeg +eb phantom_8bit.dcm "$here/dcmtk_jpeg_baseline_8bit.dcm"
dcmcjpeg +eb +cy +s2 phantom_rgb.dcm "$here/dcmtk_jpeg_baseline_ybr_full_422.dcm"
# More 12-bit lossy JPEG (ChestLens decodes it itself): quality 10 (16-bit quantisation tables), colour 4:4:4
# (read) and 4:2:2 (refused).
dcmcjpeg +ee +q 10 phantom_uncompressed.dcm "$here/dcmtk_jpeg_extended_12bit_q10.dcm"
dcmcjpeg +ee +s4 phantom_rgb12.dcm "$here/dcmtk_jpeg_extended_12bit_ybr_full.dcm"
dcmcjpeg +ee +s2 phantom_rgb12.dcm "$here/dcmtk_jpeg_extended_12bit_ybr_full_422.dcm"
# GDCM: JPEG 2000 (lossless, 12-bit), JPEG-LS (refused here), RLE.
gdcmconv --j2k phantom_uncompressed.dcm "$here/gdcm_j2k_lossless_12bit.dcm"
gdcmconv --jpegls phantom_uncompressed.dcm "$here/gdcm_jpegls_lossless_12bit.dcm"
gdcmconv --rle phantom_uncompressed.dcm "$here/gdcm_rle_12bit.dcm"
cp phantom_uncompressed.dcm "$here/pydicom_uncompressed_12bit.dcm"
# DCMTK's decoding of each 12-bit lossy JPEG file (the reference Jpeg12DecoderTest compares with): samples as coded,
# colour not converted (+cn), then deflated (dcmconv +td) to keep the repository small. NEMA's NM1_JPLY comes from
# the wheel and goes next to its copy in ../pydicom.
for f in dcmtk_jpeg_extended_12bit dcmtk_jpeg_extended_12bit_q10 dcmtk_jpeg_extended_12bit_ybr_full; do
  dcmdjpeg +cn "$here/$f.dcm" decoded.dcm
  dcmconv +td decoded.dcm "$here/${f}_dcmd.dcm"
done
dcmdjpeg +cn pydicom/pydicom/data/test_files/JPGExtended.dcm decoded.dcm
dcmconv +td decoded.dcm "$here/../pydicom/JPGExtended_dcmd.dcm"
ls -l "$here"
