-- Where a reference image comes from, so that attribution travels with the picture: its licence as the source
-- states it (e.g. "CC BY 4.0") and whom to credit. Null for cases imported from a folder whose index.csv has no
-- such columns.
alter table reference_case add column license varchar(200);
alter table reference_case add column attribution varchar(500);
