package org.chestlens.analysis;

/** What came of an analysed image. */
public enum AnalysisStatus {
    /** The models ran and their findings are valid to show. */
    COMPLETED,
    /** The image was read but the gate refused to analyse it; see {@link AnalysisResult#rejection()}. */
    REJECTED
}
