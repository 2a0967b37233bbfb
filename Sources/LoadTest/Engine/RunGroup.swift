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
