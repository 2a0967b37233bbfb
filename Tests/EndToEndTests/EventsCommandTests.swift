import FreeSwitchSim
import Foundation
import TestSupport
import Testing

/// `switchy events` against a simulated slave that sends a HEARTBEAT every 0.1 s.
@Suite(.timeLimit(.minutes(2))) struct EventsCommandTests {
    func slave() throws -> SimSlave {
        var configuration = SimConfiguration()
        configuration.heartbeatInterval = 0.1
        return try SimSlave.start(configuration)
    }

    @Test func printsEventsUntilTheCount() async throws {
        let sim = try slave()
        defer { sim.stop() }
        let result = try await CLIRunner.run(["events", "127.0.0.1:\(sim.port)", "HEARTBEAT", "--count", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        let events = result.stdout.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        #expect(events.count == 2)
        #expect(events.allSatisfy { $0.hasPrefix("Event-Name: HEARTBEAT\n") && $0.contains("\nSession-Count: ") })
    }

    /// `--format json`: one JSON object per event and line, as `jq` reads them.
    @Test func jsonFormatPrintsOneObjectPerLine() async throws {
        let sim = try slave()
        defer { sim.stop() }
        let result = try await CLIRunner.run(["events", "127.0.0.1:\(sim.port)", "HEARTBEAT", "--count=2", "--format=json"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
            #expect(object["Event-Name"] == "HEARTBEAT" && object["Session-Count"] != nil)
        }
    }

    @Test func statsPrintOnlyTheRates() async throws {
        let sim = try slave()
        defer { sim.stop() }
        let result = try await CLIRunner.run(["events", "127.0.0.1:\(sim.port)", "--count", "3", "--stats"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("3 events in ") && result.stdout.contains("events/s") && result.stdout.contains("MB/s"))
    }

    /// A misspelt event name is refused by switchy, before connecting, with the valid
    /// names (FreeSWITCH would say only `-ERR no keywords supplied`); words after
    /// CUSTOM are subclasses and pass as they are.
    @Test func anUnknownEventNameIsRefusedWithTheValidNames() async throws {
        let closed = try RefusingPort()
        let result = try await CLIRunner.run(["events", "127.0.0.1:\(closed.port)", "HEARTBEAT", "CHANNEL_ANSWR"])
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "switchy events: unknown event 'CHANNEL_ANSWR'; did you mean 'CHANNEL_ANSWER'?")
        #expect(result.stderr.contains(" CHANNEL_HANGUP_COMPLETE ") && result.stderr.contains("BACKGROUND_JOB"))
        #expect(lines.allSatisfy { $0.count <= 80 })
        #expect(!result.stderr.contains("no keywords"))
        let custom = try await CLIRunner.run(["events", "127.0.0.1:\(closed.port)", "custom", "sofia::register"])
        #expect(custom.status == 3, "a subclass is no event name to check: the run gets as far as connecting")
        withExtendedLifetime(closed) {}
    }

    @Test func aDownServerExitsThree() async throws {
        let closed = try RefusingPort()
        let result = try await CLIRunner.run(["events", "127.0.0.1:\(closed.port)", "--count", "1"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("127.0.0.1:\(closed.port)"))
        withExtendedLifetime(closed) {}
    }
}
