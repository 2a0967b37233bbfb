import Foundation
import Testing

@testable import LoadTest

/// Passwords are used, never shown: not in descriptions, dumps, summaries or errors.
struct SecretTests {
    static let literal = "hunter2-LITERAL"
    static let fromEnvironment = "hunter2-ENV"

    static func profile() throws -> Profile {
        try ProfileFixtures.parse(
            ProfileFixtures.text(
                slaves: "[{ host: 'fs1', password: '\(literal)' }, { host: 'fs2', password: 'env:LAB_PW' }]"),
            environment: ["LAB_PW": fromEnvironment])
    }

    @Test func theValuesAreResolved() throws {
        let profile = try Self.profile()
        #expect(profile.slaves.map { $0.remote?.password.value } == [Self.literal, Self.fromEnvironment])
        #expect(profile.slaves.map { $0.remote?.password.description } == ["literal", "env:LAB_PW"])
    }

    @Test func noDescriptionShowsThem() throws {
        let profile = try Self.profile()
        var dumped = ""
        dump(profile, to: &dumped)
        let remote = try #require(profile.slaves[0].remote)
        let texts = [
            String(describing: profile), String(reflecting: profile), dumped, "\(profile.slaves)", "\(remote)",
            "\(remote.password)", String(reflecting: remote.password), profile.summary.joined(separator: "\n"),
        ]
        for text in texts {
            #expect(!text.contains(Self.literal) && !text.contains(Self.fromEnvironment), "\(text)")
        }
        #expect(profile.summary.contains { $0.contains("fs2:8021") && $0.contains("env:LAB_PW") })
    }

    @Test(arguments: [
        // A password of the wrong type is not echoed in the message.
        ("[{ host: 'fs', password: 987654321 }]", "987654321"),
        // A misspelt password key names the key, not the value.
        ("[{ host: 'fs', pasword: 'hunter2-TYPO' }]", "hunter2-TYPO"),
        // An error later in the same slave does not show the password.
        ("[{ host: 'fs', password: 'hunter2-NEXT', port: -1 }]", "hunter2-NEXT"),
    ])
    func errorsDoNotShowThem(slaves: String, secret: String) {
        do {
            _ = try ProfileFixtures.parse(ProfileFixtures.text(slaves: slaves))
            Issue.record("accepted")
        } catch {
            #expect(!error.description.contains(secret), "\(error)")
            #expect(error.path.hasPrefix("slaves[0]"))
        }
    }
}
