#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import ESL
import Foundation
import LoadTest
import Synchronization

/// `switchy events HOST[:PORT]`: prints a slave's events as they come, like fs_cli's
/// event view; with `--stats`, only the rates when it ends.
enum EventsCommand {
    static let usage = """
        USAGE: switchy events HOST[:PORT] [EVENT...] [options]

        Subscribes to EVENT... (default ALL) and prints each event as it arrives: its
        headers (values URL-decoded) and its body, then a blank line. Stops after
        --count events or on Ctrl-C.

        OPTIONS:
          --format plain|json    The event format to ask for (default plain); json
                                 prints one JSON object per event and line (jq).
          --filter HEADER VALUE  A FreeSWITCH filter (repeatable; ORed; an event
                                 without the header is not sent).
          --count N              Stop after N events.
          --stats                Print nothing per event; events/s and MB/s at the end.
          --password-env VAR     The ESL password from VAR (default $ESL_PASSWORD,
                                 else ClueCon).
          --timeout SECONDS      Connect and authentication timeout (default 5).
          -h, --help             Show this help.

        EXIT CODES:
          0 stopped (count reached, Ctrl-C, or the server closed); 2 bad usage;
          3 could not connect or authenticate.
        """

    struct Options {
        var address: HostPort?
        var events: [String] = []
        var format = Command.EventFormat.plain
        var filters: [(String, String)] = []
        var count: Int?
        var stats = false
        var passwordVariable: String?
        var timeout = 5.0
    }

    typealias UsageError = ArgumentScanner.UsageError

    /// The first word that names no event type: FreeSWITCH would answer a subscription
    /// of only such words with a bare `-ERR no keywords supplied`, and silently drop
    /// them among good ones. Words after `CUSTOM` are its subclasses, never checked.
    static func unknownEventName(_ words: [String]) -> String? {
        for word in words {
            let upper = word.uppercased()
            if upper == "CUSTOM" { return nil }
            if upper != "ALL", EventNames.canonical(word) == nil { return word }
        }
        return nil
    }

    /// `words` on lines of at most `width` columns, each line starting with `indent`.
    static func wrapped(_ words: [String], width: Int, indent: String) -> String {
        var lines: [String] = []
        var line = indent
        for word in words {
            if line.count > indent.count, line.count + 1 + word.count > width {
                lines.append(line)
                line = indent
            }
            line += (line.count > indent.count ? " " : "") + word
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }

    static func run(_ arguments: [String]) async -> ExitCode {
        let options: Options
        do {
            guard let parsed = try parse(arguments) else {
                Output.print(usage)
                return .success
            }
            options = parsed
        } catch {
            Output.error("switchy events: \(error) (see switchy events --help)")
            return .usage
        }
        if let unknown = unknownEventName(options.events) {
            var message = "switchy events: unknown event '\(unknown)'"
            if let suggestion = Suggestion.closest(to: unknown, in: EventNames.all) {
                message += "; did you mean '\(suggestion)'?"
            }
            Output.error(message + "\nValid names (any case), besides ALL and CUSTOM <subclass>...:")
            Output.error(wrapped(EventNames.all, width: 80, indent: "  "))
            return .usage
        }
        let password: String
        if let variable = options.passwordVariable {
            guard let value = getenv(variable).map({ String(cString: $0) }) else {
                Output.error("switchy events: --password-env \(variable): that environment variable is not set")
                return .usage
            }
            password = value
        } else {
            password = getenv("ESL_PASSWORD").map { String(cString: $0) } ?? "ClueCon"
        }

        let counter = Counter(limit: options.count)
        let done = Done()
        let stats = options.stats
        let json = options.format == .json
        let connection: Connection
        do {
            connection = try await Connection.connect(
                host: options.address!.host, port: options.address!.port, password: password,
                options: Connection.Options(connectTimeout: options.timeout),
                onEvent: { event in
                    guard counter.add(event.byteCount) else { return }
                    if !stats { Output.write(json ? renderJSONLine(event) : render(event)) }
                    if counter.reachedLimit { done.finish() }
                },
                onClose: { _ in done.finish() })
        } catch {
            Output.error("switchy: \(error)")
            return .unreachable
        }
        do {
            for (header, value) in options.filters { _ = try await connection.send(.filter(header, value)) }
            let reply = try await connection.send(.event(options.format, options.events.isEmpty ? ["ALL"] : options.events))
            guard reply.replyText?.hasPrefix("+OK") == true else {
                Output.error("switchy events: \(reply.replyText ?? "the subscription was refused")")
                connection.close()
                return .usage
            }
        } catch {
            Output.error("switchy: \(error)")
            return .unreachable
        }
        let started = DispatchTime.now().uptimeNanoseconds
        // Ctrl-C or SIGTERM ends the tail (installed synchronously: see SignalHandler).
        let signals = SignalHandler { _, _ in done.finish() }
        await done.wait()
        signals.cancel()
        connection.close()
        if stats {
            let seconds = max(1e-9, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
            let (events, bytes) = counter.totals
            Output.print(
                String(
                    format: "%d events in %.2f s: %.0f events/s, %.2f MB/s", events, seconds, Double(events) / seconds,
                    Double(bytes) / seconds / 1_000_000))
        }
        return .success
    }

    /// An event as one line of JSON (for `jq`): an object of its headers (values
    /// URL-decoded; the first of a repeated name), its body as `_body`, keys sorted.
    static func renderJSONLine(_ event: Event) -> String {
        var object: [String: String] = [:]
        for header in event.headers where object[header.name] == nil { object[header.name] = header.value }
        if let body = event.body, !body.isEmpty { object["_body"] = body }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// An event as text: `Name: value` lines, the body, a blank line.
    static func render(_ event: Event) -> String {
        var text = event.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n") + "\n"
        if let body = event.body, !body.isEmpty { text += "\n" + body + (body.hasSuffix("\n") ? "" : "\n") }
        return text + "\n"
    }

    /// The options, or nil for `--help`.
    static func parse(_ arguments: [String]) throws(UsageError) -> Options? {
        var address: HostPort?
        var options = Options()
        var scanner = ArgumentScanner(
            arguments, options: ["--format", "--filter", "--count", "--password-env", "--timeout"], flags: ["--stats"])
        while let item = try scanner.next() {
            switch item {
            case .help: return nil
            case .positional(let argument):
                if address == nil {
                    do { address = try HostPort(parsing: argument, defaultPort: 8021) } catch {
                        throw UsageError("\(error)")
                    }
                } else {
                    options.events.append(argument)
                }
            case .option("--format"):
                let text = try scanner.value()
                guard let format = Command.EventFormat(rawValue: text), format != .xml else {
                    throw UsageError("--format expects plain or json, got '\(text)'")
                }
                options.format = format
            case .option("--filter"):
                let header = try scanner.value()
                options.filters.append((header, try scanner.value()))
            case .option("--count"):
                let text = try scanner.value()
                guard let count = Int(text), count > 0 else { throw UsageError("--count expects a number > 0, got '\(text)'") }
                options.count = count
            case .option("--stats"): options.stats = true
            case .option("--password-env"): options.passwordVariable = try scanner.value()
            case .option:  // --timeout
                let text = try scanner.value()
                guard let seconds = Double(text), seconds > 0 else { throw UsageError("--timeout expects seconds > 0, got '\(text)'") }
                options.timeout = seconds
            }
        }
        guard let address else { throw UsageError("expected HOST[:PORT]") }
        options.address = address
        return options
    }

    /// Events and bytes seen, and whether the count is reached.
    final class Counter: Sendable {
        private let state = Mutex((events: 0, bytes: 0))
        private let limit: Int?
        init(limit: Int?) { self.limit = limit }
        /// Counts one event; false when past the limit (not to be printed).
        func add(_ bytes: Int) -> Bool {
            state.withLock { state in
                if let limit, state.events >= limit { return false }
                state.events += 1
                state.bytes += bytes
                return true
            }
        }
        var reachedLimit: Bool { limit.map { limit in state.withLock { $0.events >= limit } } ?? false }
        var totals: (Int, Int) { state.withLock { ($0.events, $0.bytes) } }
    }

    /// Resolves once, from any thread.
    final class Done: Sendable {
        private let state = Mutex<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
        func finish() {
            let waiters = state.withLock { state in
                guard !state.done else { return [CheckedContinuation<Void, Never>]() }
                state.done = true
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
        func wait() async {
            await withCheckedContinuation { continuation in
                let done = state.withLock { state in
                    if !state.done { state.waiters.append(continuation) }
                    return state.done
                }
                if done { continuation.resume() }
            }
        }
    }
}
