package org.chestlens.api;

import org.chestlens.security.PlainText;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;

/** The paging and search parameters of the API's listings, checked before any query runs. */
final class ListingParameters {

    static final int MAX_PAGE_SIZE = 100;
    static final int MAX_SEARCH_LENGTH = 200;

    private ListingParameters() {
    }

    /**
     * Page {@code page} of {@code size} items (size clamped to 1..100). The offset (page x size) must fit the
     * database's row offset, an int: beyond that a listing has nothing anyway, and the query could not even be made.
     */
    static PageRequest page(int page, int size, Sort sort) {
        int clamped = Math.min(Math.max(size, 1), MAX_PAGE_SIZE);
        int lastPage = Integer.MAX_VALUE / clamped - 1;
        if (page < 0 || page > lastPage) {
            throw new InvalidParameterException("page", "The page number must be between 0 and " + lastPage
                    + " (pages of " + clamped + " items, the first is 0).");
        }
        return PageRequest.of(page, clamped, sort);
    }

    /** Search text: one line, at most 200 characters. */
    static String searchText(String q) {
        if (!PlainText.isSingleLine(q)) {
            throw new InvalidParameterException("q", "The search text contains a control character (such as NUL); "
                    + "search for letters, digits and punctuation only.");
        }
        if (q.length() > MAX_SEARCH_LENGTH) {
            throw new InvalidParameterException("q", "The search text is longer than " + MAX_SEARCH_LENGTH + " characters.");
        }
        return q;
    }
}
