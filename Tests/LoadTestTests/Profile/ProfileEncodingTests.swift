import Foundation
import Testing

@testable import LoadTest

/// The effective profile as JSON (for `summary.json`).
struct ProfileEncodingTests {
    @Test func encodesTheEffectiveProfileWithoutPasswords() throws {
        let profile = try SecretTests.profile()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(profile), as: UTF8.self)
        #expect(!json.contains(SecretTests.literal) && !json.contains(SecretTests.fromEnvironment))
        #expect(json.contains(#""password":"env:LAB_PW""#))
        #expect(json.contains(#""password":"literal""#))
        #expect(json.contains(#""hold_seconds":2"#))  // auto: limit 10 / rate 5
        #expect(json.contains(#""grace":12"#))  // hold + 10
        #expect(json.contains(#""lost_after":30"#))
        #expect(json.contains(#""formats":["csv","json","html","junit"]"#))
    }

    @Test func everyShippedProfileEncodes() throws {
        for name in ["demo", "smoke", "stress", "mix", "capacity"] {
            let path = ProfileFixtures.profilesDirectory.appendingPathComponent("\(name).json5").path
            let profile = try Profile.load(path: path, environment: ["ESL_PASSWORD": "shipped-secret"])
            let json = String(decoding: try JSONEncoder().encode(profile), as: UTF8.self)
            #expect(json.contains("\"name\":\"\(name)\""))
            #expect(!json.contains("shipped-secret"))
        }
    }
}
