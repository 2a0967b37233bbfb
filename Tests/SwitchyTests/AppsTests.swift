import ESL
import FreeSwitchSim
@testable import Switchy
import Testing

/// The caller-side built-in apps end to end against the simulator: each loop-back call
/// (`<user>@127.0.0.1:5080`, the slave's own profile) lets the listener hear both legs.
@Suite(.timeLimit(.minutes(1))) struct AppsTests {
    /// Originates a loop-back call for `appID`, waits for it to be answered and returns
    /// the originating leg's uuid.
    static func answeredCall(_ sim: SimApps, appID: AppID, user: String = "park") async throws -> String {
        let job = try await sim.client.originate(dest: "\(user)@127.0.0.1:5080", appID: appID)
        let uuid = try await job.get(timeout: .seconds(10))
        #expect(uuid == job.sessionUUID)
        return uuid
    }

    /// Hangs up the app's calls and waits until the call `uuid` has ended.
    static func hangUp(_ sim: SimApps, _ uuid: String) async throws {
        try await sim.client.hupall()
        await sim.log.ended(uuid)
        #expect(sim.listener.calls[uuid] == nil)
    }

    @Test(arguments: [
        "park",  // Park: the answered leg parks (CHANNEL_EXECUTE park, CHANNEL_PARK)
        "echo",  // Echo: the answered leg runs echo
    ])
    func theAppsTargetRunsOnTheAnsweredLeg(_ name: String) async throws {
        let sim = try await SimApps.start(extraEvents: ["CHANNEL_EXECUTE"])
        defer { sim.stop() }
        let app: any CallApp = name == "park" ? Park() : Echo()
        let appID = try await sim.client.loadApp(app)
        let uuid = try await Self.answeredCall(sim, appID: appID)
        let execute = await sim.log.next("CHANNEL_EXECUTE") { $0.uniqueID == uuid }
        #expect(execute["Application"] == name)
        let call = try #require(sim.listener.calls[uuid])
        #expect(call.sessions.map(\.direction) == [.outbound, .inbound])
        #expect(call.appID == appID.rawValue)
        if name == "park" { await sim.log.next("CHANNEL_PARK") { $0.uniqueID == uuid } }
        try await Self.hangUp(sim, uuid)
    }

    @Test func tonePlayBroadcastsItsToneOnTheOriginatingLegOnly() async throws {
        let sim = try await SimApps.start(extraEvents: ["PLAYBACK_START", "PLAYBACK_STOP"])
        defer { sim.stop() }
        let app = TonePlay()
        let appID = try await sim.client.loadApp(app)
        let uuid = try await Self.answeredCall(sim, appID: appID)
        let start = await sim.log.next("PLAYBACK_START")
        #expect(start.uniqueID == uuid)
        #expect(start["Playback-File-Path"] == app.tone)
        try await Self.hangUp(sim, uuid)
        let plays = sim.log.events.filter { $0.name == "PLAYBACK_START" }
        #expect(plays.count == 1)
        #expect(sim.log.events.contains { $0.name == "PLAYBACK_STOP" && $0.uniqueID == uuid })
        #expect(app.errors.isEmpty)
    }

    @Test func playRecRecordsTheOtherLegAndPlaysTheFileToTheOriginatingOne() async throws {
        let sim = try await SimApps.start(extraEvents: ["PLAYBACK_START", "RECORD_START", "RECORD_STOP"])
        defer { sim.stop() }
        let app = PlayRec(file: "/usr/share/sounds/hello.wav", recordDirectory: "/tmp/switchy")
        let appID = try await sim.client.loadApp(app)
        let uuid = try await Self.answeredCall(sim, appID: appID)
        let record = await sim.log.next("RECORD_START")
        let call = try #require(sim.listener.calls[uuid])
        let inbound = try #require(call.sessions.last { $0.direction == .inbound })
        #expect(record.uniqueID == inbound.uuid)
        #expect(record["Record-File-Path"] == "/tmp/switchy/\(uuid).wav")
        let play = await sim.log.next("PLAYBACK_START")
        #expect(play.uniqueID == uuid && play["Playback-File-Path"] == app.file)
        try await Self.hangUp(sim, uuid)
        #expect(sim.log.events.contains { $0.name == "RECORD_STOP" && $0.uniqueID == inbound.uuid })
        #expect(app.recordings == ["/tmp/switchy/\(uuid).wav"])
        #expect(app.errors.isEmpty)
    }

    /// Real time here: the digits take 4 × 250 ms on the simulated wire, and the test
    /// cannot know when the app has sent them to move a manual clock after that.
    @Test func dtmfCheckerPassesWhenTheOtherLegHearsEveryDigit() async throws {
        let sim = try await SimApps.start(systemClock: true)
        defer { sim.stop() }
        let app = DtmfChecker(digits: "1234")
        let appID = try await sim.client.loadApp(app)
        let uuid = try await Self.answeredCall(sim, appID: appID)
        let dtmf = await sim.log.wait(for: 4, "DTMF")
        #expect(dtmf.map { $0["DTMF-Digit"] ?? "" } == ["1", "2", "3", "4"])
        #expect(dtmf.allSatisfy { $0.uniqueID != uuid })
        #expect(app.verdicts[uuid] == .passed)
        try await Self.hangUp(sim, uuid)
        #expect(app.verdicts[uuid] == .passed)
        #expect(app.errors.isEmpty)
    }

    @Test func dtmfCheckerFailsACallThatEndsBeforeTheDigitsArrive() async throws {
        let sim = try await SimApps.start()
        defer { sim.stop() }
        let app = DtmfChecker(digits: "1234")
        let appID = try await sim.client.loadApp(app)
        let uuid = try await Self.answeredCall(sim, appID: appID)
        // The manual clock never moves: no digit reaches the far leg.
        try await Self.hangUp(sim, uuid)
        #expect(app.verdicts[uuid] == .failed(received: ""))
    }
}
