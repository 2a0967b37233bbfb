import Testing

@testable import LoadTest

/// Command-line overrides: applied after loading, checked by the same rules.
struct OverridesTests {
    static func base() throws -> Profile {
        try ProfileFixtures.parse(
            ProfileFixtures.text(
                slaves: "[{ sim: {} }, { host: 'fs', weight: 3 }]",
                load: "{ ramp: { from: 1, to: 9, over: 40 }, limit: 50, duration: 4 }"))
    }

    @Test func nothingOverriddenIsTheSameProfile() throws {
        let profile = try Self.base()
        #expect(Profile.Overrides().isEmpty)
        #expect(try profile.applying(Profile.Overrides()) == profile)
    }

    @Test func rateReplacesARampAndKeepsItsLength() throws {
        let profile = try Self.base().applying(Profile.Overrides(rate: 7))
        #expect(profile.load.rate == .constant(7))
        #expect(profile.load.runTime == 40)
    }

    @Test func everyLoadOverride() throws {
        let profile = try Self.base().applying(
            Profile.Overrides(limit: 70, duration: .auto, maxOffered: 1000, runTime: 12.5, outputDirectory: "/tmp/out"))
        #expect(profile.load.limit == 70)
        #expect(profile.load.duration == .auto && profile.load.holdSeconds == 8)  // 70 / peak 9, rounded
        #expect(profile.load.maxOffered == 1000)
        #expect(profile.load.runTime == 12.5 && profile.load.effectiveRunTime == 12.5)
        #expect(profile.report.directory == "/tmp/out")
        #expect(profile.load.rate == .linear(from: 1, to: 9, over: 40))  // untouched
    }

    @Test func slavesReplaceTheList() throws {
        let base = try Self.base()
        let secret = Profile.Secret("pw", source: .environment("ESL_PASSWORD"))
        let profile = try base.applying(
            Profile.Overrides(slaves: [.init(host: "10.0.0.7", password: secret), .init(host: "::1", port: 8022, password: secret)]))
        #expect(profile.slaves.map(\.label) == ["10.0.0.7:8021", "[::1]:8022"])
        #expect(profile.slaves.allSatisfy { $0.weight == 1 && $0.limit == nil && $0.call == base.call })
        #expect(profile.slaves[0].remote?.password == secret)
    }

    @Test func replacedSlavesDoNotNeedTheirPasswords() throws {
        let text = ProfileFixtures.text(slaves: "[{ host: 'fs', password: 'env:ONLY_FOR_FS' }]")
        let lab = Profile.Slave.Remote(host: "lab", password: .init("pw", source: .environment("LAB_PW")))
        let profile = try Profile.parse(Array(text.utf8), file: "test.json5", overrides: Profile.Overrides(slaves: [lab]))
        #expect(profile.slaves.map(\.remote) == [lab])
        // Without --slave, the unset variable is an error as usual.
        #expect(throws: ProfileError.self) { _ = try Profile.parse(Array(text.utf8), file: "test.json5") }
        // The replaced slaves are still checked.
        let broken = ProfileFixtures.text(slaves: "[{ host: 'fs', password: 'env:' }]")
        #expect(throws: ProfileError.self) {
            _ = try Profile.parse(Array(broken.utf8), file: "test.json5", overrides: Profile.Overrides(slaves: [lab]))
        }
    }

    @Test(arguments: [
        // A negative rate.
        (Profile.Overrides(rate: -5), "--rate (load.rate)", "got -5"),
        // An infinite rate.
        (Profile.Overrides(rate: .infinity), "--rate (load.rate)", "got Infinity"),
        // A zero limit.
        (Profile.Overrides(limit: 0), "--limit (load.limit)", "got 0"),
        // A negative hold.
        (Profile.Overrides(duration: .seconds(-3)), "--duration (load.duration)", "got -3"),
        // Zero calls to offer.
        (Profile.Overrides(maxOffered: 0), "--max-offered (load.max_offered)", "got 0"),
        // A zero run time.
        (Profile.Overrides(runTime: 0), "--run-time (load.run_time)", "got 0"),
        // An empty slave list.
        (Profile.Overrides(slaves: []), "--slave (slaves)", "at least one"),
        // A port out of range.
        (Profile.Overrides(slaves: [.init(host: "fs", port: 0)]), "--slave (slaves)", "got 0"),
        // The same slave twice.
        (Profile.Overrides(slaves: [.init(host: "fs"), .init(host: "fs", port: 8021)]), "--slave (slaves)", "got fs:8021 twice"),
        // An empty results folder.
        (Profile.Overrides(outputDirectory: ""), "--out (report.dir)", "empty"),
    ])
    func refused(overrides: Profile.Overrides, path: String, message: String) throws {
        let base = try Self.base()
        #expect {
            _ = try base.applying(overrides)
        } throws: { error in
            guard let error = error as? ProfileError else { return false }
            return error.file == "test.json5" && error.path == path && error.message.contains(message)
                && error.description.hasPrefix("test.json5: \(path): expected")
        }
    }
}
