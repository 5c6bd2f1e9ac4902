-- Encoded images (PNG, JPEG) are compressed already: PostgreSQL's own compression attempt would only cost time.
alter table analysis_image alter column bytes set storage external;
alter table reference_case alter column thumbnail set storage external;
