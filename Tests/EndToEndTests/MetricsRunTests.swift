import ESL
import Foundation
import TestSupport
import Testing

/// `switchy run --metrics`: the endpoint scraped during a real run on the simulator,
/// checked by Prometheus' own parser (`promtool check metrics`) and scraped by a real
/// Prometheus server where Debian's `prometheus` package is installed.
@Suite(.timeLimit(.minutes(3))) struct MetricsRunTests {
    static let profile = """
        { name: 'metrics', \(RunScenario.twoSims) load: { rate: 10, limit: 100, duration: 1, run_time: RUNTIME } }
        """

    /// The sum of the samples of `name` (any labels) in a scrape; nil when it has none.
    static func value(_ name: String, in scrape: String) -> Double? {
        let values = scrape.split(separator: "\n").compactMap { line -> Double? in
            guard line.hasPrefix(name + "{") || line.hasPrefix(name + " ") else { return nil }
            return line.split(separator: " ").last.flatMap { Double($0) }
        }
        return values.isEmpty ? nil : values.reduce(0, +)
    }

    /// Starts a run with `--metrics 127.0.0.1:0` (a free port, which the start line
    /// names) lingering until signalled, printing a progress line each second of its
    /// clock; returns it and the port.
    static func start(_ scenario: RunScenario) async throws -> (CLIRunner.Running, Int) {
        let running = try CLIRunner.start([
            "run", scenario.profile.path, "--out", scenario.results.path, "--progress-interval", "1", "--metrics", "127.0.0.1:0",
            "--metrics-linger", "120",
        ])
        let line = try #require(await running.errorLine(containing: "metrics at http://127.0.0.1:"))
        let port = try #require(line.split(separator: ":").last.flatMap { Int($0.prefix { $0.isNumber }) })
        return (running, port)
    }

    /// Waits for the run's progress line of `second` (`"2.0s / …"`). The record queue
    /// hands each per-second snapshot to the progress printer, then to the metrics sink,
    /// so once second k is printed the figures of second k − 1 are published.
    static func waitForSecond(_ second: Int, of running: CLIRunner.Running) async -> Bool {
        await running.waitForError(containing: "\n\(second).0s / ")
    }

    /// One scrape of the endpoint, off the cooperative pool.
    static func scrape(port: Int, accept: String? = nil) async -> HTTPFetch.Response? {
        await CLIRunner.offThePool {
            try? HTTPFetch.get(port: port, path: "/metrics", headers: accept.map { ["Accept": $0] } ?? [:])
        }
    }

    /// A scrape mid-run counts calls and passes `promtool check metrics` (when
    /// installed); once the run is over, the lingering endpoint has the summary's
    /// final counts; Ctrl-C ends the linger and the run still passes.
    @Test func scrapedMidRunAndAfterTheEnd() async throws {
        let scenario = try RunScenario(Self.profile.replacingOccurrences(of: "RUNTIME", with: "4"))
        let (running, port) = try await Self.start(scenario)
        #expect(await Self.waitForSecond(2, of: running))
        let mid = try #require(await Self.scrape(port: port))
        #expect((Self.value("switchy_calls_offered_total", in: mid.body) ?? 0) > 0, "second 1's calls: \(mid.body)")
        #expect(mid.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        #expect(mid.body.contains(#"switchy_run_info{run_id="run-"#) && mid.body.contains(#"name="metrics",segment=""} 1"#))
        #expect(mid.body.contains(#"switchy_slave_up{slave="sim-1"} 1"#))
        if let promtool = SystemTool.path("promtool") {
            let check = await SystemTool.run(promtool, ["check", "metrics"], input: mid.body)
            #expect(check.status == 0, "promtool check metrics: \(check.output)")
        } else {
            print("MetricsRunTests: no promtool (Debian's prometheus package): the scrape was not checked by it")
        }
        let openMetrics = try #require(await Self.scrape(port: port, accept: "application/openmetrics-text; version=1.0.0"))
        #expect(openMetrics.headers["content-type"] == "application/openmetrics-text; version=1.0.0; charset=utf-8")
        #expect(openMetrics.body.hasSuffix("# EOF\n"))

        // The run is over once the linger line is printed.
        #expect(await running.waitForError(containing: "serving the final metrics at"))
        let last = try #require(await Self.scrape(port: port))
        #expect(last.body.contains("switchy_offering 0"), "the final figures, published before the linger")
        running.signal(SIGINT)
        let result = await running.finished()
        #expect(result.status == 0, "Ctrl-C during the linger ends it, not the run: \(result.stderr)")
        let (summary, rows) = try scenario.reports()
        // Recomputed from calls.csv: a row per call offered, each outcome's count.
        #expect(Self.value("switchy_calls_offered_total", in: last.body) == Double(rows.count))
        for outcome in Set(rows.compactMap { $0["outcome"] }) {
            let lines = last.body.split(separator: "\n").filter { $0.hasPrefix("switchy_calls_total{") && $0.contains("outcome=\"\(outcome)\"") }
            let counted = lines.compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
            #expect(counted == Double(rows.filter { $0["outcome"] == outcome }.count), "\(outcome)")
        }
        let offered = try #require(summary["offered"] as? Int)
        #expect(Self.value("switchy_calls_offered_total", in: last.body) == Double(offered))
        #expect(Self.value("switchy_calls_total", in: last.body) == Double(offered), "every call finished, counted once")
        #expect(Self.value("switchy_calls_in_flight", in: last.body) == 0)
        let outcomes = try #require(summary["outcomes"] as? [String: Int])
        #expect(
            Self.value("switchy_answer_seconds_count", in: last.body) == Double(outcomes["answered", default: 0] + outcomes["dropped", default: 0]),
            "every answered call's answer time, dropped ones included")
    }

    /// A real Prometheus server scraping the endpoint every second (it asks for
    /// OpenMetrics first) sees the offered counter rise through its query API.
    @Test(.enabled(if: SystemTool.path("prometheus") != nil, "no prometheus: install Debian's prometheus to scrape a run with it"))
    func aPrometheusServerSeesTheCounterRise() async throws {
        // Offering for far longer than the test: the counter still rises whenever the
        // Prometheus server is ready (on a loaded machine it once took longer than a 30 s
        // run), and the first Ctrl-C below always finds the run offering.
        let scenario = try RunScenario(Self.profile.replacingOccurrences(of: "RUNTIME", with: "600"))
        let (running, port) = try await Self.start(scenario)
        let prometheus = try await Prometheus.start(target: port, folder: scenario.folder)
        defer { prometheus.stop() }
        let query = "/api/v1/query?query=sum(switchy_calls_offered_total)"
        // Asked once a second of the run (Prometheus scrapes every second): each question
        // waits for the run's next progress line, up to its second 59.
        func ask(_ path: String) async -> Double? {
            await CLIRunner.offThePool { (try? HTTPFetch.get(port: prometheus.port, path: path)).flatMap { Prometheus.scalar($0.body) } }
        }
        var second = 1
        // Two readings, the second higher: the counter rises while the run offers.
        var values: [Double] = []
        while values.count < 2, second < 59 {
            second += 1
            guard await Self.waitForSecond(second, of: running) else { break }
            if let value = await ask(query), value > (values.last ?? 0) { values.append(value) }
        }
        #expect(values.count == 2 && values[0] < values[1], "sum(switchy_calls_offered_total) over time: \(values)")
        #expect(await ask("/api/v1/query?query=up") == 1, "the target is up")
        // The histogram comes through too: once an answered call has ended (its record
        // counts its answer time), a quantile of the buckets is a latency.
        let quantile = "/api/v1/query?query=histogram_quantile(0.95,sum%20by%20(le)(switchy_answer_seconds_bucket))"
        var p95: Double?
        while p95 == nil, second < 59 {
            second += 1
            guard await Self.waitForSecond(second, of: running) else { break }
            if let value = await ask(quantile), value.isFinite { p95 = value }
        }
        #expect(p95.map { $0 > 0 } == true, "answer p95 by Prometheus: \(p95.map { "\($0)" } ?? "none by second 59")")
        // The first Ctrl-C stops the run (it drains, then lingers), the second the linger.
        running.signal(SIGINT)
        #expect(await running.waitForError(containing: "serving the final metrics at"))
        running.signal(SIGINT)
        #expect(await running.finished().status == 4, "interrupted")
    }

    @Test(arguments: [
        (["--metrics", "nine"], "--metrics expects [ADDR:]PORT, e.g. 9464 or 127.0.0.1:9464 (a port from 0 to 65535), got 'nine'"),
        (["--metrics", "::1:9464"], "--metrics '::1:9464': write an IPv6 address in brackets, e.g. [::1]:9464"),
        (["--metrics-linger", "5"], "--metrics-linger applies to --metrics"),
        (["--metrics", "9464", "--metrics-linger", "-1"], "--metrics-linger expects a number of seconds >= 0, got '-1.0'"),
    ])
    func badMetricsOptionsAreUsageErrors(options: [String], message: String) async throws {
        let scenario = try RunScenario(Self.profile.replacingOccurrences(of: "RUNTIME", with: "1"))
        let result = try await scenario.run(options)
        #expect(result.status == 2)
        #expect(result.stderr.contains("switchy run: \(message) (see switchy run --help)"), "\(result.stderr)")
    }

    /// A port something already listens on: exit 2 before any call (no results folder).
    @Test func aPortInUseFailsBeforeAnyCall() async throws {
        let (fd, port) = try POSIXSocket.listen(host: "127.0.0.1", port: 0)
        defer { POSIXSocket.close(fd) }
        let scenario = try RunScenario(Self.profile.replacingOccurrences(of: "RUNTIME", with: "1"))
        let result = try await scenario.run(["--metrics", "\(port)"])
        #expect(result.status == 2)
        #expect(
            result.stderr.contains("switchy run: --metrics: cannot serve metrics on 127.0.0.1:\(port): cannot listen: Address already in use"),
            "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scenario.results.path), "no run started")
    }
}

/// A Prometheus server scraping one loopback target every second, its data in a
/// folder of its own, its API on a loopback port.
final class Prometheus: Sendable {
    let port: Int
    private let process: Process

    private init(port: Int, process: Process) {
        self.port = port
        self.process = process
    }

    struct StartFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts a server and returns once its log says it serves. Prometheus takes no port 0, so
    /// it is given a free port below the kernel's ephemeral range (32768 and up here):
    /// the port no other test's socket can be given meanwhile, since every socket of the
    /// tests is bound to port 0 or connects from an ephemeral port. Tried on three ports
    /// in turn, should another program of the machine hold one.
    static func start(target: Int, folder: URL) async throws -> Prometheus {
        let config = folder.appendingPathComponent("prometheus.yml")
        try """
            global: { scrape_interval: 1s, scrape_timeout: 1s }
            scrape_configs:
              - job_name: switchy
                static_configs: [{ targets: ['127.0.0.1:\(target)'] }]
            """.write(to: config, atomically: true, encoding: .utf8)
        let path = try #require(SystemTool.path("prometheus"))
        var tried: [String] = []
        for _ in 0..<3 {
            let port = Int.random(in: 20_000..<32_000)
            guard let (fd, _) = try? POSIXSocket.listen(host: "127.0.0.1", port: port) else {
                tried.append("\(port) taken")
                continue
            }
            POSIXSocket.close(fd)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = [
                "--config.file=\(config.path)", "--storage.tsdb.path=\(folder.appendingPathComponent("data-\(port)").path)",
                "--web.listen-address=127.0.0.1:\(port)", "--log.level=info",
            ]
            process.standardOutput = FileHandle.nullDevice
            let log = Pipe()
            process.standardError = log
            try process.run()
            // Its log says when it serves (or it exits: end of file); then the rest of
            // the log is read and dropped so that a full pipe never stops the server.
            let ready = await CLIRunner.offThePool { () -> Bool in
                var text = ""
                while !text.contains("Server is ready to receive web requests") {
                    let chunk = log.fileHandleForReading.availableData
                    if chunk.isEmpty { return false }
                    text += String(decoding: chunk, as: UTF8.self)
                }
                Thread.detachNewThread { while !log.fileHandleForReading.availableData.isEmpty {} }
                return true
            }
            if ready { return Prometheus(port: port, process: process) }
            process.waitUntilExit()
            tried.append("\(port): exited with \(process.terminationStatus) before it was ready")
        }
        throw StartFailure(description: "prometheus did not start: \(tried.joined(separator: "; "))")
    }

    /// SIGKILL, not terminate(): a child started from a thread that blocks SIGTERM
    /// inherits the blocked signal and would outlive the test.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// The value of an instant query's single result (`"value":[time,"v"]`).
    static func scalar(_ json: String) -> Double? {
        guard let data = json.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let result = (object["data"] as? [String: Any])?["result"] as? [[String: Any]],
            let value = result.first?["value"] as? [Any], value.count == 2, let text = value[1] as? String
        else { return nil }
        return Double(text)
    }
}
