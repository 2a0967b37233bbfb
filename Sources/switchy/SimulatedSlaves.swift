import FreeSwitchSim
import LoadTest

/// Starts the profile's `{sim: …}` slaves on loopback for a run.
enum SimulatedSlaves {
    /// A `sim.faults` entry the simulator does not know, or of the wrong type.
    struct FaultError: Error, CustomStringConvertible {
        var description: String
    }

    static let faultKeys = [
        "drop_after_events", "drop_at", "stall_after_events", "stall_seconds", "malformed_after_events",
        "refuse_auth", "refuse_reconnect", "rude_rejection", "lose_every_nth", "shutdown_at", "restart_after",
        "drop_once_after_events", "slow_commands",
    ]

    /// Starts a run's simulated slaves (``RunSession``'s injected starter).
    static let starter: RunSession.StartSimulators = { profile, password in
        let (addresses, slaves) = try start(profile, password: password)
        return RunSession.Simulators(addresses: addresses, stop: { for sim in slaves { sim.stop() } })
    }

    /// Starts every simulated slave; returns where each listens, by slave index.
    static func start(_ profile: Profile, password: String) throws -> (addresses: [Int: (host: String, port: Int)], slaves: [SimSlave]) {
        var addresses: [Int: (host: String, port: Int)] = [:]
        var started: [SimSlave] = []
        var simIndex = 0
        for (index, slave) in profile.slaves.enumerated() {
            guard case .simulated(let options) = slave.kind else { continue }
            var configuration = SimConfiguration()
            configuration.port = 0
            configuration.password = password
            configuration.switchname = slave.label
            // Each simulated slave has its own SIP address, so `{sip}` calls loop back
            // into the same slave.
            configuration.profiles = [SofiaProfile(name: "external", sipIP: "127.0.0.1", sipPort: 5080 + simIndex)]
            configuration.heartbeatInterval = options.heartbeat
            configuration.timing.answerDelay = .fixed(options.answerDelay)
            configuration.timing.ringDelay = .fixed(options.ringDelay)
            configuration.timing.ringsBeforeAnswer = true
            configuration.timing.failureRatio = options.failureRatio
            configuration.timing.sessionsPerSecond = options.sps
            configuration.timing.maxSessions = options.maxSessions
            configuration.media = SimMedia(lossPercent: options.lossPercent, jitterMs: options.jitterMs)
            configuration.timing.idleCPU = options.idleCPU
            configuration.timing.cpuPerSession = options.cpuPerSession
            configuration.faults = try faults(options.faults, slave: index, file: profile.file)
            do {
                let sim = try SimSlave.start(configuration)
                started.append(sim)
                addresses[index] = ("127.0.0.1", sim.port)
            } catch {
                for sim in started { sim.stop() }
                throw error
            }
            simIndex += 1
        }
        return (addresses, started)
    }

    /// Checks every simulated slave's `sim.faults` as ``start(_:password:)`` would.
    /// - Throws: ``FaultError`` naming the first bad entry.
    static func checkFaults(_ profile: Profile) throws {
        for (index, slave) in profile.slaves.enumerated() {
            guard case .simulated(let options) = slave.kind else { continue }
            _ = try faults(options.faults, slave: index, file: profile.file)
        }
    }

    private static func faults(_ values: [String: Profile.Value], slave: Int, file: String) throws -> SimFaults {
        var faults = SimFaults()
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            let path = "\(file): slaves[\(slave)].sim.faults.\(key)"
            func number() throws -> Double {
                guard case .number(let number) = value, number >= 0 else {
                    throw FaultError(description: "\(path): expected a number >= 0")
                }
                return number
            }
            func flag() throws -> Bool {
                guard case .bool(let flag) = value else { throw FaultError(description: "\(path): expected true or false") }
                return flag
            }
            switch key {
            case "drop_after_events": faults.dropAfterEvents = Int(try number())
            case "drop_once_after_events": faults.dropOnceAfterEvents = Int(try number())
            case "drop_at": faults.dropAtSeconds = try number()
            case "stall_after_events": faults.stallAfterEvents = Int(try number())
            case "stall_seconds": faults.stallSeconds = try number()
            case "malformed_after_events": faults.malformedFrameAfterEvents = Int(try number())
            case "refuse_auth": faults.refuseAuth = try flag()
            case "refuse_reconnect": faults.refuseReconnect = try flag()
            case "rude_rejection": faults.rudeRejection = try flag()
            case "lose_every_nth": faults.loseEveryNthEvent = Int(try number())
            case "shutdown_at": faults.shutdownAtSeconds = try number()
            case "restart_after": faults.restartAfterSeconds = try number()
            case "slow_commands": faults.slowCommandMilliseconds = try number()
            default:
                throw FaultError(description: "\(path): unknown fault; expected one of \(faultKeys.joined(separator: ", "))")
            }
        }
        return faults
    }
}
