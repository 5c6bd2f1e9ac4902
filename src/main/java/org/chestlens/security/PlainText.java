package org.chestlens.security;

/**
 * What free text from users may contain. PostgreSQL refuses NUL in text columns (the insert fails), and other
 * control characters make no sense in a name or a note; line breaks and tabs are fine in multi-line notes.
 */
public final class PlainText {

    private PlainText() {
    }

    /** Text for one line (a name, a reference, a search): no control character at all. */
    public static boolean isSingleLine(String text) {
        return text == null || text.chars().noneMatch(Character::isISOControl);
    }

    /** Text of several lines (a note): no control character other than line breaks and tabs. */
    public static boolean isMultiLine(String text) {
        return text == null || text.chars().noneMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t');
    }

    /** A file name as shown back to its uploader: control characters become '_'. */
    public static String fileName(String name) {
        if (name == null || isSingleLine(name)) {
            return name;
        }
        StringBuilder clean = new StringBuilder(name.length());
        name.chars().forEach(c -> clean.append(Character.isISOControl(c) ? '_' : (char) c));
        return clean.toString();
    }
}
