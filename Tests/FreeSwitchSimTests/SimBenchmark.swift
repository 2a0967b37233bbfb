import ESL
import Foundation
import FreeSwitchSim
import Synchronization
import Testing

/// Throughput of one slave with full event streams to one subscribed client. A
/// benchmark, not a test: it runs only with `SIM_BENCHMARK=1` and prints its figure.
///
///     SIM_BENCHMARK=1 swift test -c release --scratch-path .build-sim \
///         --filter FreeSwitchSimTests.SimBenchmark
@Suite(.enabled(if: ProcessInfo.processInfo.environment["SIM_BENCHMARK"] == "1"))
struct SimBenchmark {
    @Test func originatesPerSecondWithFullEventStream() async throws {
        let calls = Int(ProcessInfo.processInfo.environment["SIM_BENCHMARK_CALLS"] ?? "") ?? 30000
        var configuration = SimConfiguration()
        configuration.timing.sessionsPerSecond = 1_000_000
        configuration.timing.maxSessions = 1_000_000
        let slave = try SimSlave.start(configuration)
        defer { slave.stop() }

        let counts = Mutex((events: 0, jobs: 0, bytes: 0))
        let finished = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let count: @Sendable (Bool) -> Void = { isJob in
            let done = counts.withLock { counts -> Bool in
                counts.events += 1
                if isJob { counts.jobs += 1 }
                return counts.jobs == calls
            }
            if done { finished.withLock { $0.take() }?.resume() }
        }
        // SIM_BENCHMARK_CLIENT=raw: a minimal subscriber that only frames the stream
        // (no per-event header parsing), to see the simulator's own limit.
        let raw = ProcessInfo.processInfo.environment["SIM_BENCHMARK_CLIENT"] == "raw"
        var events: Connection?
        if raw {
            // SIM_BENCHMARK_EVENTS narrows the subscription (default ALL) to see what
            // the event stream costs.
            let subscription = ProcessInfo.processInfo.environment["SIM_BENCHMARK_EVENTS"] ?? "ALL"
            try RawSubscriber.start(port: slave.port, events: subscription, onFrame: count)
        } else {
            let connection = try await Connection.connect(host: "127.0.0.1", port: slave.port, password: "ClueCon") {
                count($0.name == "BACKGROUND_JOB")
            }
            _ = try await connection.send(.event(.plain, ["ALL"]))
            events = connection
        }
        let control = try await Connection.connect(host: "127.0.0.1", port: slave.port, password: "ClueCon")

        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            let lanes = 32
            for lane in 0..<lanes {
                group.addTask {
                    var index = lane
                    while index < calls {
                        let uuid = String(format: "bench-%08d", index)
                        _ = try await control.send(
                            .bgapi(
                                "originate {origination_uuid=\(uuid),execute_on_answer=sched_hangup:+1}sofia/external/echo@10.0.0.9:5060 &park()",
                                jobUUID: "job-\(uuid)"))
                        index += lanes
                    }
                }
            }
            try await group.waitForAll()
        }
        let sent = ContinuousClock.now - start
        await withCheckedContinuation { continuation in
            let already = counts.withLock { $0.jobs == calls }
            if already { continuation.resume() } else { finished.withLock { $0 = continuation } }
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let total = counts.withLock { $0 }
        print(
            "SimBenchmark (\(raw ? "raw framing client" : "ESL Connection client")): \(calls) originates in \(String(format: "%.2f", seconds)) s "
                + "= \(Int(Double(calls) / seconds)) originates/s; \(total.events) events "
                + "(\(Int(Double(total.events) / seconds)) events/s) to one client; all sent after \(sent)")
        #expect(total.jobs == calls)
        control.close()
        events?.close()
    }
}

/// Authenticates, subscribes to `event plain ALL` and frames the stream on its own
/// thread, reporting for each event whether it is a BACKGROUND_JOB.
enum RawSubscriber {
    static func start(port: Int, events: String, onFrame: @escaping @Sendable (Bool) -> Void) throws {
        let client = try RawClient(port: port)
        _ = try client.reply()
        try client.send("auth ClueCon\n\nevent plain \(events)\n\n")
        _ = try client.reply()
        _ = try client.reply()
        client.keepsFrames = false
        let box = UncheckedBox(client)
        let thread = Thread {
            let prefix = Array("Event-Name: BACKGROUND_JOB".utf8)
            _ = try? box.value.read { frame in
                onFrame(frame.body.starts(with: prefix))
                return false
            }
        }
        thread.start()
    }
}

private final class UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
