public import Foundation

/// RFC 3339 times (`2026-12-05T10:00:00Z`, `2026-12-05T12:00:00.250+02:00`), as
/// `--start-at` takes them.
public enum RFC3339 {
    /// The time `text` names, nil when it is not an RFC 3339 date-time with a zone.
    public static func date(from text: String) -> Date? {
        let upper = text.uppercased()
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds]] {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = options
            if let date = formatter.date(from: upper) { return date }
        }
        return nil
    }

    /// `2026-12-05T10:00:00.250Z` (UTC; the fraction only when there is one).
    public static func string(from date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        let whole = date.timeIntervalSince1970.rounded(.down) == date.timeIntervalSince1970
        formatter.formatOptions = whole ? [.withInternetDateTime] : [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
