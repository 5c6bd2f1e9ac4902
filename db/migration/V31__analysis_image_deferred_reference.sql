-- The upload is written while the models still run, before its analysis row exists (same transaction): the
-- reference to the analysis is checked at commit instead of per statement. ON DELETE CASCADE still acts at once.
alter table analysis_image drop constraint analysis_image_analysis_id_fkey;
alter table analysis_image add constraint analysis_image_analysis_id_fkey
    foreign key (analysis_id) references analysis (id) on delete cascade deferrable initially deferred;
