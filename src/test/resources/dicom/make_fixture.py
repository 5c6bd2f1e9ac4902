"""Writes chest-jpeg-baseline.dcm: a real chest radiograph as a DICOM file written by another program than ChestLens
(pydicom), laid out as modality exports usually are: Part 10 file meta, explicit VR little endian, JPEG baseline
(1.2.840.10008.1.2.4.50) encapsulated pixel data, MONOCHROME2, with patient tags that must never reach what ChestLens
stores. The pixels are one image of the default reference library, byte for byte (a Kermany et al. 2018 image,
CC BY 4.0: see src/main/resources/references/NOTICE.md), so the fixture needs no data set.

    PYTHONPATH=<unpacked pydicom 3 wheel> python3 src/test/resources/dicom/make_fixture.py
"""
import csv
import datetime
import os

from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.uid import JPEGBaseline8Bit, SecondaryCaptureImageStorage, generate_uid

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..")
LIBRARY = os.path.join(ROOT, "src", "main", "resources", "references")
SOURCE = "images/kermany/IM-0119-0001.jpeg"  # a normal study of the shipped library

with open(os.path.join(LIBRARY, "index.csv"), newline="") as f:
    row = next(r for r in csv.DictReader(f) if r["path"] == SOURCE)
assert row["No Finding"] == "1" and row["license"] == "CC BY 4.0", row
jpeg = open(os.path.join(LIBRARY, SOURCE), "rb").read()

meta = FileMetaDataset()
meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
meta.MediaStorageSOPInstanceUID = "1.2.826.0.1.3680043.10.1085.1.1"
meta.TransferSyntaxUID = JPEGBaseline8Bit
meta.ImplementationClassUID = "1.2.826.0.1.3680043.10.1085.2"

ds = Dataset()
ds.file_meta = meta
ds.SOPClassUID = meta.MediaStorageSOPClassUID
ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
ds.StudyInstanceUID = "1.2.826.0.1.3680043.10.1085.3"
ds.SeriesInstanceUID = "1.2.826.0.1.3680043.10.1085.4"
ds.PatientName = "Doe^Jane^SECRETNAME"
ds.PatientID = "SECRET-PID-4711"
ds.PatientBirthDate = "20190101"
ds.PatientSex = "F"
ds.StudyDate = "20240105"
ds.Modality = "CR"
ds.BodyPartExamined = "CHEST"
ds.ViewPosition = "PA"
ds.InstitutionName = "SECRET-HOSPITAL"
ds.ImageComments = "Kermany et al. 2018, CC BY 4.0, " + SOURCE
ds.SamplesPerPixel = 1
ds.PhotometricInterpretation = "MONOCHROME2"
ds.Rows = 224
ds.Columns = 224
ds.BitsAllocated = 8
ds.BitsStored = 8
ds.HighBit = 7
ds.PixelRepresentation = 0
ds.PixelData = encapsulate([jpeg])
ds["PixelData"].VR = "OB"
ds.is_little_endian = True
ds.is_implicit_VR = False
out = os.path.join(os.path.dirname(__file__), "chest-jpeg-baseline.dcm")
ds.save_as(out, enforce_file_format=True)
print(out, os.path.getsize(out), "bytes")
