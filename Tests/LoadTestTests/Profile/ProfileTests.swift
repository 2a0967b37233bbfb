import Foundation
import Switchy
import Testing

@testable import LoadTest

/// Valid profiles: the shipped ones, defaults, overrides of `call` per slave.
struct ProfileTests {
    @Test func demoIsTwoSimulatorsAtTwentyCallsPerSecondForFifteenSeconds() throws {
        let profile = try Profile.load(path: ProfileFixtures.profilesDirectory.appendingPathComponent("demo.json5").path)
        #expect(profile.name == "demo")
        #expect(profile.slaves.map(\.label) == ["sim-1", "sim-2"])
        #expect(profile.slaves.allSatisfy { if case .simulated = $0.kind { true } else { false } })
        #expect(profile.call.dest == "echo@{sip}")
        #expect(profile.call.needsSIPAddress)
        #expect(profile.load.rate == .constant(20))
        #expect(profile.load.effectiveRunTime == 15)
        #expect((2...5).contains(profile.load.holdSeconds))
        #expect(profile.apps == [Profile.App(name: .park)])
    }

    @Test func smokeReadsItsPasswordFromTheEnvironment() throws {
        let path = ProfileFixtures.profilesDirectory.appendingPathComponent("smoke.json5").path
        let profile = try Profile.load(path: path, environment: ["ESL_PASSWORD": "lab-secret"])
        let remote = try #require(profile.slaves.first?.remote)
        #expect(remote.password.value == "lab-secret")
        #expect(remote.password.source == .environment("ESL_PASSWORD"))
        #expect(profile.report.formats.contains(.junit))
        #expect(throws: ProfileError.self) { _ = try Profile.load(path: path, environment: [:]) }
    }

    @Test func stressRampsToItsTarget() throws {
        let profile = try Profile.load(
            path: ProfileFixtures.profilesDirectory.appendingPathComponent("stress.json5").path, environment: [:])
        #expect(profile.load.rate == .linear(from: 10, to: 200, over: 120))
        #expect(profile.load.rate.peak == 200)
        #expect(profile.prepare == Profile.Prepare(sps: 500, maxSessions: 10000))
        #expect(profile.slaves.first?.remote?.password == .clueCon)
    }

    @Test func mixWeighsItsApps() throws {
        let profile = try Profile.load(path: ProfileFixtures.profilesDirectory.appendingPathComponent("mix.json5").path)
        #expect(profile.apps.map(\.name) == [.park, .echo, .tonePlay])
        #expect(profile.apps.map { $0.share(in: profile.apps) } == [0.5, 0.3, 0.2])
        #expect(profile.apps[2].args["tone"]?.string?.hasPrefix("tone_stream://") == true)
        #expect(profile.slaves.map(\.weight) == [2, 1])
        #expect(profile.slaves[1].limit == 50)
        #expect(profile.load.duration == .auto && profile.load.holdSeconds == 15)
        #expect(profile.call.variables == [.init(name: "sip_h_X-Test", value: "mix")])
        #expect(profile.preflight == .warn)
    }

    @Test func everyShippedProfileIsValid() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: ProfileFixtures.profilesDirectory.path)
            .filter { $0.hasSuffix(".json5") }.sorted()
        #expect(names == ["capacity-sim.json5", "capacity.json5", "demo.json5", "mix.json5", "smoke.json5", "soak.json5", "stress.json5"])
        for name in names {
            let path = ProfileFixtures.profilesDirectory.appendingPathComponent(name).path
            let profile = try Profile.load(path: path, environment: ["ESL_PASSWORD": "x"])
            #expect(profile.name + ".json5" == name)
        }
    }

    @Test func defaults() throws {
        let profile = try ProfileFixtures.parse(
            "{ slaves: [{ host: 'fs1' }, { sim: {} }], call: { dest: '1000@{host}' }, load: { rate: 4, limit: 40, max_offered: 100 } }")
        #expect(profile.name == "test")  // the file name without extension
        let remote = try #require(profile.slaves[0].remote)
        #expect(remote.port == 8021)
        #expect(remote.password == .clueCon)
        #expect(profile.slaves[0].label == "fs1:8021")
        #expect(profile.slaves[0].weight == 1 && profile.slaves[0].limit == nil)
        #expect(profile.slaves[1].kind == .simulated(Profile.Slave.Simulator()))
        #expect(profile.slaves[1].label == "sim-1")
        let sim = Profile.Slave.Simulator()
        #expect(sim.sps == 30 && sim.maxSessions == 1000 && sim.heartbeat == 20 && sim.failureRatio == 0)
        #expect(sim.ringDelay == 0.05 && sim.answerDelay == 0.2 && sim.faults.isEmpty)
        #expect(profile.call == Profile.Call(dest: "1000@{host}"))
        #expect(profile.call.endpoint == .profile("external"))
        #expect(profile.call.target == nil && profile.call.proxy == nil && profile.call.variables.isEmpty)
        #expect(profile.call.originateTimeout == 60 && profile.call.ignoreEarlyMedia)
        #expect(profile.call.destination(host: "10.0.0.5", sip: "10.0.0.5:5080") == "1000@10.0.0.5")
        #expect(!profile.call.needsSIPAddress)
        #expect(profile.load.duration == .auto)
        #expect(profile.load.holdSeconds == 10)  // 40 / 4
        #expect(profile.load.effectiveRunTime == nil)  // only max_offered stops it
        #expect(profile.load.grace == nil && profile.load.effectiveGrace == 20)  // hold + 10
        #expect(profile.load.lostAfter == 30)
        #expect(profile.apps == [Profile.App(name: .park, weight: 1, args: [:])])
        #expect(profile.thresholds.isEmpty)
        #expect(profile.report == Profile.Report(directory: "results", formats: [.csv, .json, .html, .junit]))
        #expect(profile.prepare == Profile.Prepare())
        #expect(profile.preflight == .refuse)
    }

    @Test func aSlaveWithoutPasswordTakesESLPasswordFromTheEnvironment() throws {
        let profile = try ProfileFixtures.parse(
            ProfileFixtures.text(slaves: "[{ host: '10.0.0.5', port: 8022 }]"), environment: ["ESL_PASSWORD": "pw"])
        #expect(profile.slaves[0].remote == .init(host: "10.0.0.5", port: 8022, password: .init("pw", source: .environment("ESL_PASSWORD"))))
    }

    @Test func passwordFromAFileRelativeToTheProfile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchy-profile-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("s3cret\n".utf8).write(to: directory.appendingPathComponent("lab.pw"))
        let path = directory.appendingPathComponent("lab.json5")
        try Data(ProfileFixtures.text(slaves: "[{ host: 'fs', password: 'file:lab.pw' }]").utf8).write(to: path)
        let profile = try Profile.load(path: path.path)
        #expect(profile.slaves[0].remote?.password.value == "s3cret")  // the trailing line break is dropped
        #expect(profile.slaves[0].remote?.password.description == "file:lab.pw")
        #expect(profile.name == "lab")
    }

    @Test func slavesOverrideCallFields() throws {
        let profile = try ProfileFixtures.parse(
            ProfileFixtures.text(
                slaves: """
                    [{ sim: {} },
                     { host: 'fs2', call: { dest: '9196@{host}', gateway: 'carrier', variables: { b: 'two', c: 3 } } },
                     { host: 'fs3', call: { context: 'lab' } }]
                    """,
                call: "{ dest: 'echo@{sip}', dp_exten: 'echo', variables: { a: '1', b: 'one' }, originate_timeout: 20 }"))
        #expect(profile.slaves[0].call == profile.call)
        let second = profile.slaves[1].call
        #expect(second.dest == "9196@{host}")
        #expect(second.endpoint == .gateway("carrier"))
        #expect(second.originateTimeout == 20)  // inherited
        #expect(second.variables.map(\.name) == ["a", "b", "c"])  // merged, order kept
        #expect(second.variables.map(\.value) == ["1", "two", "3"])
        #expect(profile.slaves[2].call.target == .dialplan(extension: "echo", context: "lab"))
        #expect(profile.call.target == .dialplan(extension: "echo", context: "default"))
    }

    @Test(arguments: [
        // A bare application name.
        ("park", OriginateCommand.Target.app("park", args: "")),
        // An application with arguments.
        ("playback(/tmp/hello.wav)", .app("playback", args: "/tmp/hello.wav")),
        // Empty parentheses are no arguments.
        ("echo()", .app("echo", args: "")),
    ])
    func callApp(text: String, target: OriginateCommand.Target) throws {
        let profile = try ProfileFixtures.parse(ProfileFixtures.text(call: "{ dest: 'x@y', app: '\(text)' }"))
        #expect(profile.call.target == target)
    }

    @Test(arguments: [
        // Stepped: the run time defaults to the sum of the stages.
        ("{ ramp: { stages: [{ rate: 1, for: 10 }, { rate: 0, for: 5 }, { rate: 3, for: 20 }] }, limit: 9 }",
         RateCurve.stepped([.init(rate: 1, seconds: 10), .init(rate: 0, seconds: 5), .init(rate: 3, seconds: 20)]),
         35.0, 3),
        // Linear: the run time defaults to the ramp's length; auto hold uses the peak.
        ("{ ramp: { from: 50, to: 5, over: 60 }, limit: 100 }", .linear(from: 50, to: 5, over: 60), 60, 2),
        // An explicit run_time outlasts the ramp (the last rate holds).
        ("{ ramp: { from: 0, to: 10, over: 30 }, limit: 30, run_time: 90 }", .linear(from: 0, to: 10, over: 30), 90, 3),
        // auto rounds to whole seconds and is at least 1.
        ("{ rate: 1000, limit: 10, run_time: 1 }", .constant(1000), 1, 1),
    ])
    func loadShapes(load: String, rate: RateCurve, runTime: Double, hold: Int) throws {
        let profile = try ProfileFixtures.parse(ProfileFixtures.text(load: load))
        #expect(profile.load.rate == rate)
        #expect(profile.load.effectiveRunTime == runTime)
        #expect(profile.load.holdSeconds == hold)
    }

    @Test func lostAfterBoundsACallPastOriginateTimeoutAndHold() throws {
        let profile = try ProfileFixtures.parse(
            ProfileFixtures.text(
                slaves: "[{ host: '10.0.0.5' }]", call: "{ dest: 'x@y', originate_timeout: 5 }",
                load: "{ rate: 5, limit: 10, duration: 3, run_time: 10, lost_after: 2.5 }"))
        #expect(profile.load.lostAfter == 2.5)
        let plan = try profile.runPlan(runID: "run-1")
        #expect(plan.lostAfter == 2.5 && plan.holdSeconds == 3 && plan.slaves.allSatisfy { $0.call.originateTimeout == 5 })
    }
}
