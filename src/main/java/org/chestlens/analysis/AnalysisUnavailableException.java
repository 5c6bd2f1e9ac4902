package org.chestlens.analysis;

/** No analysis can run right now: no models are installed (HTTP 503). The message says so in plain words. */
public class AnalysisUnavailableException extends RuntimeException {

    public AnalysisUnavailableException(String message) {
        super(message);
    }
}
