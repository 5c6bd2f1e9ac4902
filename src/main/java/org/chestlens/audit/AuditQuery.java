package org.chestlens.audit;

import jakarta.persistence.criteria.Predicate;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.data.jpa.domain.Specification;

/**
 * Which audit events to show or export; every part is optional (null or blank: no restriction).
 *
 * @param user   part of the actor's email, or "anonymous" for events without a signed-in actor
 * @param action an action code, exactly
 * @param detail part of the detail text (e.g. "patient 12")
 * @param from   first day, inclusive, in {@code zone}
 * @param to     last day, inclusive, in {@code zone}
 */
public record AuditQuery(String user, String action, String detail, LocalDate from, LocalDate to, ZoneId zone) {

    public static AuditQuery all(ZoneId zone) {
        return new AuditQuery(null, null, null, null, null, zone);
    }

    Specification<AuditEvent> specification() {
        return (root, query, cb) -> {
            List<Predicate> parts = new ArrayList<>();
            if (present(user)) {
                String text = user.trim().toLowerCase(Locale.ROOT);
                parts.add("anonymous".equals(text) ? cb.isNull(root.get("actorEmail"))
                        : cb.like(cb.lower(root.get("actorEmail")), contains(text), '\\'));
            }
            if (present(action)) {
                parts.add(cb.equal(root.get("action"), action.trim()));
            }
            if (present(detail)) {
                parts.add(cb.like(cb.lower(root.get("detail")), contains(detail.trim().toLowerCase(Locale.ROOT)), '\\'));
            }
            if (from != null) {
                parts.add(cb.greaterThanOrEqualTo(root.get("occurredAt"), from.atStartOfDay(zone).toInstant()));
            }
            if (to != null) {
                parts.add(cb.lessThan(root.get("occurredAt"), to.plusDays(1).atStartOfDay(zone).toInstant()));
            }
            return cb.and(parts.toArray(Predicate[]::new));
        };
    }

    private static boolean present(String text) {
        return text != null && !text.isBlank();
    }

    /** A LIKE pattern matching the text literally anywhere. */
    private static String contains(String text) {
        return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }
}
