/**
 * The PDF report of an analysis: what the models said beside what the clinician decided (verdicts, note, who and
 * when), with the heatmaps of the positive findings. One document, served by the result page's download
 * ({@code ReportDownload}, a {@link org.chestlens.analysis.ResultContribution}) and the API's {@code report.pdf}.
 *
 * <p>Entry point: {@link org.chestlens.reports.AnalysisReport#pdf}.
 */
@org.springframework.lang.NonNullApi
package org.chestlens.reports;
