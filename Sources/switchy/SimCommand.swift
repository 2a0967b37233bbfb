#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import FreeSwitchSim
import LoadTest

/// `switchy sim`: runs embedded simulated FreeSWITCH slaves until SIGINT/SIGTERM.
enum SimCommand {
    static let usage = """
        USAGE: switchy sim [options]

        Starts N simulated FreeSWITCH 1.10.12 servers that speak the Event Socket like
        the real one, on consecutive ports, prints one line per slave, and serves until
        interrupted (Ctrl-C or SIGTERM). By default they listen on loopback only
        (127.0.0.1) and say so on stderr; another --host warns that they are exposed.

        OPTIONS:
          --slaves N           Number of slaves (default 1).
          --host ADDRESS       Address to listen on (default 127.0.0.1, loopback only).
          --port PORT          ESL port of the first slave (default 8021; 0 = any free
                               port for each).
          --password PASSWORD  ESL password (default ClueCon).
          --answer-delay VALUE Seconds until answering destinations answer, fixed or a
                               uniform MIN-MAX range (default \(number(defaults.answerDelay))).
          --ring-delay VALUE   Seconds until 180/183 and rejections (default \(number(defaults.ringDelay)),
                               or the answer delay if that is smaller).
          --failure-ratio R    Fraction 0..1 of answering calls that fail instead
                               (default \(number(defaults.failureRatio))).
          --sps N              sessions-per-second (default \(defaults.sps), as FreeSWITCH).
          --max-sessions N     max-sessions (default \(defaults.maxSessions), as FreeSWITCH).
          --heartbeat SECONDS  HEARTBEAT interval (default \(number(defaults.heartbeat)); 0 = none).
          -h, --help           Show this help.

        Each slave has a sofia profile `external` on 127.0.0.1:5080 (slave 2: 5081,
        and so on); originate to `sofia/external/<user>@<host>:<port>`, where <user>
        is echo, park, 9196, tone (answer), busy (486), ring (no answer), ringanswer,
        earlymedia, noanswer (no response; on a loop-back call the inbound leg parks
        unanswered for callee apps), or anything else (404).

        EXIT CODES:
          0 stopped by a signal; 2 bad usage; 3 a port could not be bound.
        """

    /// The simulator settings of a profile's `sim: {}`: `switchy sim` starts the same
    /// slave when given no options.
    static let defaults = Profile.Slave.Simulator()

    /// `0.2`, `20`: a number as a user would write it.
    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    static func run(_ arguments: [String]) async -> ExitCode {
        var options = Options()
        do {
            guard let parsed = try Options.parse(arguments) else {
                Output.print(usage)
                return .success
            }
            options = parsed
        } catch {
            Output.error("switchy sim: \(error) (see switchy sim --help)")
            return .usage
        }
        // Before anything is printed: a signal sent as soon as the slaves are announced
        // must not fall between ignoring it and handling it.
        let stop = SignalOnce()
        let signals = SignalHandler { _, _ in stop.fire() }
        defer { signals.cancel() }
        var slaves: [SimSlave] = []
        for index in 0..<options.slaves {
            var configuration = SimConfiguration()
            configuration.host = options.host
            configuration.port = options.port == 0 ? 0 : options.port + index
            configuration.password = options.password
            configuration.switchname = "sim-\(index + 1)"
            configuration.profiles = [SofiaProfile(name: "external", sipIP: "127.0.0.1", sipPort: 5080 + index)]
            configuration.timing.answerDelay = options.answerDelay
            configuration.timing.ringDelay = options.ringDelay
            configuration.timing.failureRatio = options.failureRatio
            configuration.timing.sessionsPerSecond = options.sessionsPerSecond
            configuration.timing.maxSessions = options.maxSessions
            configuration.heartbeatInterval = options.heartbeat
            do {
                let slave = try SimSlave.start(configuration)
                slaves.append(slave)
                Output.print("slave \(index + 1): \(options.host):\(slave.port)")
            } catch {
                Output.error("switchy sim: \(error)")
                for slave in slaves { slave.stop() }
                return .unreachable
            }
        }
        if isLoopback(options.host) {
            Output.error("switchy sim: listening on loopback only (\(options.host)): reachable from this machine only; --host ADDRESS to expose it")
        } else {
            Output.error(
                "switchy sim: warning: listening on \(options.host): anyone who can reach this machine can connect; "
                    + "it is a simulator, not for untrusted networks")
        }
        await stop.wait()
        for slave in slaves { slave.stop() }
        return .success
    }

    /// Whether `host` is a loopback address or name (127.0.0.0/8, ::1, localhost).
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    typealias UsageError = ArgumentScanner.UsageError

    struct Options {
        var slaves = 1
        var host = "127.0.0.1"
        var port = 8021
        var password = "ClueCon"
        var answerDelay = SimDelay.fixed(defaults.answerDelay)
        var ringDelay = SimDelay.fixed(defaults.ringDelay)
        var failureRatio = defaults.failureRatio
        var sessionsPerSecond = defaults.sps
        var maxSessions = defaults.maxSessions
        var heartbeat = defaults.heartbeat

        static let names = [
            "--slaves", "--host", "--port", "--password", "--answer-delay", "--ring-delay", "--failure-ratio", "--sps",
            "--max-sessions", "--heartbeat",
        ]

        /// nil means `--help`.
        static func parse(_ arguments: [String]) throws(UsageError) -> Options? {
            var options = Options()
            var ringGiven = false
            var scanner = ArgumentScanner(arguments, options: names)
            while let item = try scanner.next() {
                guard case .option(let name) = item else {
                    if case .positional(let argument) = item { throw UsageError("unexpected argument '\(argument)'") }
                    return nil
                }
                let value = try scanner.value()
                switch name {
                case "--slaves": options.slaves = try integer(name, value, in: 1...1000)
                case "--host": options.host = value
                case "--port": options.port = try integer(name, value, in: 0...65535)
                case "--password": options.password = value
                case "--answer-delay": options.answerDelay = try delay(name, value)
                case "--ring-delay":
                    options.ringDelay = try delay(name, value)
                    ringGiven = true
                case "--failure-ratio":
                    guard let ratio = Double(value), (0...1).contains(ratio) else {
                        throw UsageError("\(name) expects a number from 0 to 1, got '\(value)'")
                    }
                    options.failureRatio = ratio
                case "--sps": options.sessionsPerSecond = try integer(name, value, in: 1...1_000_000)
                case "--max-sessions": options.maxSessions = try integer(name, value, in: 1...10_000_000)
                default:  // --heartbeat
                    guard let seconds = Double(value), seconds >= 0 else {
                        throw UsageError("\(name) expects seconds >= 0, got '\(value)'")
                    }
                    options.heartbeat = seconds
                }
            }
            if options.port != 0, options.port + options.slaves - 1 > 65535 {
                throw UsageError(
                    "--port \(options.port) with --slaves \(options.slaves): the last slave's port would be "
                        + "\(options.port + options.slaves - 1), past 65535")
            }
            // As in a profile: without a ring delay, ringing comes no later than the answer.
            if !ringGiven, case .fixed(let answer) = options.answerDelay, answer < defaults.ringDelay {
                options.ringDelay = .fixed(answer)
            }
            return options
        }

        private static func integer(_ name: String, _ value: String, in range: ClosedRange<Int>) throws(UsageError) -> Int {
            guard let number = Int(value), range.contains(number) else {
                throw UsageError("\(name) expects an integer from \(range.lowerBound) to \(range.upperBound), got '\(value)'")
            }
            return number
        }

        private static func delay(_ name: String, _ value: String) throws(UsageError) -> SimDelay {
            let parts = value.split(separator: "-", maxSplits: 1).map { Double($0) }
            if parts.count == 1, let fixed = parts[0], fixed >= 0 { return .fixed(fixed) }
            if parts.count == 2, let low = parts[0], let high = parts[1], low >= 0, high >= low {
                return .uniform(low, high)
            }
            throw UsageError("\(name) expects SECONDS or MIN-MAX, got '\(value)'")
        }
    }
}

/// Resumes ``wait()`` once ``fire()`` was called, before or after it.
private final class SignalOnce: @unchecked Sendable {
    // @unchecked: the state is guarded by `lock`.
    private let lock = NSLockLike()
    private var fired = false
    private var continuation: CheckedContinuation<Void, Never>?

    /// Suspends until ``fire()`` (at once if it came already).
    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = lock.run { () -> Bool in
                if fired { return true }
                self.continuation = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }

    func fire() {
        let pending = lock.run { () -> CheckedContinuation<Void, Never>? in
            fired = true
            defer { continuation = nil }
            return continuation
        }
        pending?.resume()
    }
}

/// A tiny pthread mutex (the executable does not import Foundation).
private final class NSLockLike: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func run<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }
}
