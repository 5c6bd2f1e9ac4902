-- Heatmaps are now drawn on a fixed per-finding scale with activation outside the body suppressed, and anomaly maps
-- with a new colour ramp (issue 13). Stored drawings of the old, per-image stretched kind are dropped: each is drawn
-- again, the new way, on its next request from the findings' stored CAMs and the stored image.
delete from analysis_image where kind in ('HEATMAP', 'ANOMALY_MAP');
