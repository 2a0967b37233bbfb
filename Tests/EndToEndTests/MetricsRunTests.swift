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
    /// names) lingering until signalled; returns it and the port.
    static func start(_ scenario: RunScenario) async throws -> (CLIRunner.Running, Int) {
        let running = try CLIRunner.start([
            "run", scenario.profile.path, "--out", scenario.results.path, "--quiet", "--metrics", "127.0.0.1:0",
            "--metrics-linger", "120",
        ])
        let line = try #require(await running.errorLine(containing: "metrics at http://127.0.0.1:"))
        let port = try #require(line.split(separator: ":").last.flatMap { Int($0.prefix { $0.isNumber }) })
        return (running, port)
    }

    /// Scrapes until `condition` holds on a scrape (a run's figures come once a second),
    /// within `seconds`; returns that scrape.
    static func scrape(
        port: Int, accept: String? = nil, within seconds: Double = 60, until condition: @escaping @Sendable (String) -> Bool
    ) async -> HTTPFetch.Response? {
        await CLIRunner.offThePool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                let headers = accept.map { ["Accept": $0] } ?? [:]
                if let response = try? HTTPFetch.get(port: port, path: "/metrics", headers: headers),
                    response.status == 200, condition(response.body)
                {
                    return response
                }
                usleep(20_000)  // a poll's interval (what it waits for is the condition), not to spin two shared cores
            }
            return nil
        }
    }

    /// A scrape mid-run counts calls and passes `promtool check metrics` (when
    /// installed); once the run is over, the lingering endpoint has the summary's
    /// final counts; Ctrl-C ends the linger and the run still passes.
    @Test func scrapedMidRunAndAfterTheEnd() async throws {
        let scenario = try RunScenario(Self.profile.replacingOccurrences(of: "RUNTIME", with: "4"))
        let (running, port) = try await Self.start(scenario)
        let mid = try #require(
            await Self.scrape(port: port) { (Self.value("switchy_calls_offered_total", in: $0) ?? 0) > 0 },
            "calls offered within 60 s")
        #expect(mid.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        #expect(mid.body.contains(#"switchy_run_info{run_id="run-"#) && mid.body.contains(#"name="metrics",segment=""} 1"#))
        #expect(mid.body.contains(#"switchy_slave_up{slave="sim-1"} 1"#))
        if let promtool = Tool.path("promtool") {
            let (status, output) = try await Tool.run(promtool, ["check", "metrics"], input: mid.body)
            #expect(status == 0, "promtool check metrics: \(output)")
        } else {
            print("MetricsRunTests: no promtool (Debian's prometheus package): the scrape was not checked by it")
        }
        let openMetrics = try #require(
            await Self.scrape(port: port, accept: "application/openmetrics-text; version=1.0.0") { _ in true })
        #expect(openMetrics.headers["content-type"] == "application/openmetrics-text; version=1.0.0; charset=utf-8")
        #expect(openMetrics.body.hasSuffix("# EOF\n"))

        // The run is over once the linger line is printed.
        #expect(await running.waitForError(containing: "serving the final metrics at"))
        let last = try #require(await Self.scrape(port: port) { $0.contains("switchy_offering 0") })
        running.signal(SIGINT)
        let result = await running.finished()
        #expect(result.status == 0, "Ctrl-C during the linger ends it, not the run: \(result.stderr)")
        let (summary, _) = try scenario.reports()
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
    @Test(.enabled(if: Tool.path("prometheus") != nil, "no prometheus: install Debian's prometheus to scrape a run with it"))
    func aPrometheusServerSeesTheCounterRise() async throws {
        let scenario = try RunScenario(Self.profile.replacingOccurrences(of: "RUNTIME", with: "30"))
        let (running, port) = try await Self.start(scenario)
        let prometheus = try Prometheus(target: port, folder: scenario.folder)
        defer { prometheus.stop() }
        let query = "/api/v1/query?query=sum(switchy_calls_offered_total)"
        // Two readings, the second higher: the counter rises while the run offers.
        let values = await CLIRunner.offThePool { () -> [Double] in
            var seen: [Double] = []
            let deadline = Date().addingTimeInterval(90)
            while Date() < deadline, seen.count < 2 {
                guard let response = try? HTTPFetch.get(port: prometheus.port, path: query), response.status == 200,
                    let value = Prometheus.scalar(response.body), value > (seen.last ?? 0)
                else {
                    usleep(50_000)  // a poll's interval, as above
                    continue
                }
                seen.append(value)
            }
            return seen
        }
        #expect(values.count == 2 && values[0] < values[1], "sum(switchy_calls_offered_total) over time: \(values)")
        let up = await CLIRunner.offThePool { try? HTTPFetch.get(port: prometheus.port, path: "/api/v1/query?query=up") }
        #expect(Prometheus.scalar(up?.body ?? "") == 1, "the target is up: \(up?.body ?? "no answer")")
        // The histogram comes through too: once an answered call has ended (its record
        // counts its answer time), a quantile of the buckets is a latency.
        let quantile = "/api/v1/query?query=histogram_quantile(0.95,sum%20by%20(le)(switchy_answer_seconds_bucket))"
        let p95 = await CLIRunner.offThePool { () -> Double? in
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline {
                if let response = try? HTTPFetch.get(port: prometheus.port, path: quantile),
                    let value = Prometheus.scalar(response.body), value.isFinite
                {
                    return value
                }
                usleep(50_000)  // a poll's interval, as above
            }
            return nil
        }
        #expect(p95.map { $0 > 0 } == true, "answer p95 by Prometheus: \(p95.map { "\($0)" } ?? "none within 60 s")")
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

/// A command-line tool found on the PATH, run to its end off the cooperative pool.
enum Tool {
    static func path(_ name: String) -> String? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `path arguments…` with `input` on stdin; its status and output (stdout and stderr).
    static func run(_ path: String, _ arguments: [String], input: String) async throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stdout
        try process.run()
        return await CLIRunner.offThePool {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try? stdin.fileHandleForWriting.close()
            let output = stdout.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: output, as: UTF8.self))
        }
    }
}

/// A Prometheus server scraping one loopback target every second, its data in a
/// folder of its own, its API on a loopback port.
final class Prometheus: Sendable {
    let port: Int
    private let process: Process

    init(target: Int, folder: URL) throws {
        let config = folder.appendingPathComponent("prometheus.yml")
        try """
            global: { scrape_interval: 1s, scrape_timeout: 1s }
            scrape_configs:
              - job_name: switchy
                static_configs: [{ targets: ['127.0.0.1:\(target)'] }]
            """.write(to: config, atomically: true, encoding: .utf8)
        // Prometheus takes no port 0: a port free a moment ago (a race another test
        // could lose, so a second try on another).
        var lastError: (any Error)?
        for _ in 0..<2 {
            let (fd, port) = try POSIXSocket.listen(host: "127.0.0.1", port: 0)
            POSIXSocket.close(fd)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Tool.path("prometheus")!)
            process.arguments = [
                "--config.file=\(config.path)", "--storage.tsdb.path=\(folder.appendingPathComponent("data").path)",
                "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            do {
                try process.run()
                self.port = port
                self.process = process
                return
            } catch { lastError = error }
        }
        throw lastError!
    }

    func stop() {
        if process.isRunning { process.terminate() }
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
