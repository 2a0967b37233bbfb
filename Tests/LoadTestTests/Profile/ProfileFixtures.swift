import Foundation
import LoadTest

/// Helpers shared by the profile tests.
enum ProfileFixtures {
    /// The repository's `profiles/` folder.
    static let profilesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("profiles")

    /// A small valid profile, with any section replaced.
    static func text(
        slaves: String = "[{ sim: {} }]", call: String = "{ dest: \"echo@{sip}\" }",
        load: String = "{ rate: 5, limit: 10, run_time: 10 }", extra: String = ""
    ) -> String {
        "{ slaves: \(slaves), call: \(call), load: \(load), \(extra) }"
    }

    /// Parses `text` as the file `test.json5`.
    static func parse(_ text: String, environment: [String: String] = [:]) throws(ProfileError) -> Profile {
        try Profile.parse(Array(text.utf8), file: "test.json5", environment: environment)
    }
}
