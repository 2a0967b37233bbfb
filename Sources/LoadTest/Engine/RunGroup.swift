public import Foundation

/// The id the segments of one scenario share (`run_group` in `summary.json`): given
/// (`--run-group`, `SWITCHY_RUN_GROUP`) or derived, the same on every host, from the
/// scenario and its common start.
public enum RunGroup {
    /// What a run group may be written as.
    public static let expectation = "1 to 128 letters, digits, '.', '_', ':' or '-'"

    /// Whether `text` is a run group one may give.
    public static func isValid(_ text: String) -> Bool {
        (1...128).contains(text.count) && text.unicodeScalars.allSatisfy(allowed.contains)
    }

    private static let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-")

    /// `<name>-<16 hex digits>`: the profile's name (characters a run group may not
    /// hold made `-`) and the FNV-1a 64 hash of the scenario — the effective profile as
    /// `summary.json` writes it (overrides applied, passwords by their source only),
    /// without its file path and results folder, which may differ between hosts — and
    /// of the common start (`--start-at`, to the ms), so every segment started with the
    /// same profile and start time derives the same group, and another start another.
    public static func derived(profile: Profile, startAt: Date?) -> String {
        var scenario = profile
        scenario.file = ""
        scenario.report.directory = ""
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var bytes = Array((try? encoder.encode(AnyScenario(scenario))) ?? Data())
        if let startAt { bytes += Array(String(Int64((startAt.timeIntervalSince1970 * 1000).rounded())).utf8) }
        let name = String(String.UnicodeScalarView(profile.name.unicodeScalars.map { allowed.contains($0) ? $0 : "-" }).prefix(100))
        return "\(name.isEmpty ? "run" : name)-" + String(format: "%016llx", fnv1a64(bytes))
    }

    /// FNV-1a, 64 bits: small, fixed and the same on every machine.
    static func fnv1a64(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    private struct AnyScenario: Encodable {
        let profile: Profile
        init(_ profile: Profile) { self.profile = profile }
        func encode(to encoder: any Encoder) throws { try profile.encode(to: encoder) }
    }
}

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
