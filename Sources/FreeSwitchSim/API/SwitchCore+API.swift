/// The api commands a simulated FreeSWITCH answers (esl-protocol.md §3.1, §8), with
/// the output texts of the captures. Runs with the core's lock held.
extension SwitchCore {
    /// Runs `command arguments`; `completion` gets the output, at once or (for
    /// `originate`) when the call resolves. The API event fires when the command
    /// returns, stamped with its start.
    func runAPI(_ command: String, _ arguments: String, completion: @escaping (String) -> Void) {
        let start = tickedNow
        let job = PendingJob(
            fireAPI: { [weak self] in
                var headers: [(name: String, value: String)] = [("API-Command", command)]
                if !arguments.isEmpty { headers.append(("API-Command-Argument", arguments)) }
                self?.fire("API", headers, time: start)
            }, complete: completion)
        let words = arguments.split(separator: " ").map(String.init)
        let body: String
        switch command.lowercased() {
        case "originate":
            originate(arguments, job: job)
            return
        case "status": body = statusText()
        case "version": body = "FreeSWITCH Version 1.10.12-release~64bit ( 64bit)\n"
        case "global_getvar": body = globalVariable(arguments)
        case "show": body = show(arguments)
        case "hupall": body = hupall(words)
        case "uuid_kill": body = uuidKill(words, job: job)
        case "uuid_exists": body = words.first.map { channels[$0] != nil ? "true" : "false" } ?? "false"
        case "uuid_setvar": body = uuidSetVariable(words)
        case "uuid_getvar":
            guard words.count >= 2, let channel = channels[words[0]] else { body = "-ERR No such channel!\n"; break }
            body = channel.variables[words[1]] ?? "_undef_"
        case "uuid_broadcast": body = uuidBroadcast(words)
        case "uuid_record": body = uuidRecord(words)
        case "uuid_send_dtmf": body = uuidSendDTMF(words)
        case "uuid_ring_ready": body = uuidRingReady(words)
        case "sched_hangup": body = schedHangup(words)
        case "fsctl": body = fsctl(words)
        case "bgapi": body = backgroundAPI(arguments)
        case "uptime": body = uptime(words.first)
        case "sofia": body = sofia(words)
        default: body = "-ERR \(command) Command not found!\n"
        }
        job.finish(body)
    }

    func statusText() -> String {
        throttle.roll(to: throttleSecond)
        return """
            UP \(Uptime.text(now - bootedAt))
            FreeSWITCH (Version 1.10.12-release  64bit) is ready
            \(throttle.sinceStartup) session(s) since startup
            \(throttle.sessions) session(s) - peak \(throttle.peakSessions), last 5min \(throttle.fiveMinutePeakSessions) \n\
            \(throttle.lastSecond) session(s) per Sec out of max \(throttle.sessionsPerSecond), peak \(throttle.peakPerSecond), last 5min \(throttle.fiveMinutePeakPerSecond) \n\
            \(throttle.maxSessions) session(s) max
            min idle cpu 0.00/\(idleCPUText(digits: 2))
            Current Stack Size/Max 240K/240K

            """
    }

    private func globalVariable(_ name: String) -> String {
        let identity = factory.identity
        let values = [
            "local_ip_v4": identity.ipv4, "local_ip_v6": identity.ipv6, "hostname": identity.hostname,
            "switch_serial": identity.switchname, "core_uuid": identity.coreUUID,
            "sip_profile": profiles.first?.name ?? "",
        ]
        return values[name] ?? ""
    }

    /// `hupall [cause [var value …]]`; a variable without a value is dropped.
    private func hupall(_ words: [String]) -> String {
        var cause = words.first.map(HangupCause.parse) ?? .managerRequest
        if cause.code == 0 { cause = .managerRequest }
        var pairs: [(String, String)] = []
        var index = 1
        while index + 1 < words.count {
            pairs.append((words[index], words[index + 1]))
            index += 2
        }
        let targets = channelOrder.compactMap { channels[$0] }.filter { channel in
            pairs.allSatisfy { channel.variables[$0.0] == $0.1 }
        }
        for channel in targets where channel.isUp { hangup(channel, cause: cause) }
        guard let first = pairs.first else { return "+OK hangup all channels with cause \(cause.name)\n" }
        let more = pairs.count > 1 ? "..." : ""
        return "+OK hangup all channels matching [\(first.0)]=[\(first.1)]\(more) with cause: \(cause.name)\n"
    }

    private func uuidKill(_ words: [String], job: PendingJob) -> String {
        guard let uuid = words.first else { return "-USAGE: <uuid> [cause]\n" }
        guard let channel = channels[uuid], channel.isUp else { return "-ERR No such channel!\n" }
        let cause = words.count > 1 ? HangupCause.parse(words[1]) : .normalClearing
        hangup(channel, cause: cause, afterHangup: { job.api() })
        return "+OK\n"
    }

    /// The `bgapi` api command (mod_commands): `+OK Job-UUID: <uuid>\n` now, the
    /// command's output later in a BACKGROUND_JOB event, as for the ESL `bgapi`.
    private func backgroundAPI(_ text: String) -> String {
        guard !text.isEmpty else { return "-USAGE: <command>[ <arg>]\n" }
        let id = random.uuid()
        let space = text.firstIndex(of: " ")
        let command = space.map { String(text[..<$0]) } ?? text
        let arguments = space.map { String(text[text.index(after: $0)...]) } ?? ""
        runBackgroundJob(id: id, command: command, arguments: arguments)
        return "+OK Job-UUID: \(id)\n"
    }

    /// Runs `command arguments` and fires BACKGROUND_JOB (`Job-UUID`, `Job-Command`,
    /// `Job-Command-Arg` if any, the output as body) when it completes.
    func runBackgroundJob(id: String, command: String, arguments: String) {
        runAPI(command, arguments) { [weak self] body in
            var headers: [(name: String, value: String)] = [("Job-UUID", id), ("Job-Command", command)]
            if !arguments.isEmpty { headers.append(("Job-Command-Arg", arguments)) }
            self?.fire("BACKGROUND_JOB", headers, body: body)
        }
    }

    /// `uptime [us|ms|s|m|h|d|microseconds|…|days]`: whole units since startup and a
    /// newline (mod_commands `uptime_function`; no capture shows it).
    private func uptime(_ unit: String?) -> String {
        let scales: [String: Int64] = [
            "us": 1, "microseconds": 1, "ms": 1000, "milliseconds": 1000, "s": 1_000_000, "seconds": 1_000_000,
            "m": 60_000_000, "minutes": 60_000_000, "h": 3_600_000_000, "hours": 3_600_000_000,
            "d": 86_400_000_000, "days": 86_400_000_000,
        ]
        let scale: Int64? = if let unit { scales[unit.lowercased()] } else { 1_000_000 }
        guard let scale else {
            return "-USAGE: [us|ms|s|m|h|d|microseconds|milliseconds|seconds|minutes|hours|days]\n"
        }
        return "\((now - bootedAt) / scale)\n"
    }

    private func uuidSetVariable(_ words: [String]) -> String {
        guard words.count >= 2 else { return "-USAGE: <uuid> <var> [value]\n" }
        guard let channel = channels[words[0]] else { return "-ERR No such channel!\n" }
        channel.variables.set(words[1], words.dropFirst(2).joined(separator: " "))
        return "+OK\n"
    }

    /// `sched_hangup +N|<epoch> <uuid> [cause]` (default ALLOTTED_TIMEOUT).
    private func schedHangup(_ words: [String]) -> String {
        guard words.count >= 2 else { return "-USAGE: [+]<time> <uuid> [<cause>]\n" }
        guard let channel = channels[words[1]], channel.isUp else { return "-ERR No such channel!\n" }
        let cause = words.count > 2 ? HangupCause.parse(words[2]) : .allottedTimeout
        let when = words[0]
        let seconds: Int
        if when.hasPrefix("+") {
            seconds = Int(when.dropFirst()) ?? 0
        } else {
            seconds = max(0, (Int(when) ?? 0) - Int(now / 1_000_000))
        }
        scheduleHangup(channel, seconds: seconds, cause: cause)
        return "+OK\n"
    }

    private func fsctl(_ words: [String]) -> String {
        guard let command = words.first?.lowercased() else {
            return "-USAGE: [recover|send_sighup|hupall|pause [inbound|outbound]|resume [inbound|outbound]|shutdown [cancel|elegant|asap|now|restart]|sps|sps_peak_reset|sync_clock|sync_clock_when_idle|reclaim_mem|max_sessions|min_dtmf_duration [num]|max_dtmf_duration [num]|default_dtmf_duration [num]|min_idle_cpu|loglevel [level]|debug_level [level]|mdns_resolve [enable|disable]]\n"
        }
        let value = words.count > 1 ? Int(words[1]) : nil
        switch command {
        case "sps":
            if let value { throttle.setSessionsPerSecond(value) }
            return "+OK sessions per second: \(throttle.sessionsPerSecond)\n"
        case "max_sessions":
            if let value { throttle.maxSessions = value }
            return "+OK max sessions: \(throttle.maxSessions)\n"
        case "last_sps":
            throttle.roll(to: throttleSecond)
            return "+OK last sessions per second: \(throttle.lastSecond)\n"
        case "sps_peak_reset": return "+OK max sessions per second counter reset\n"
        case "hupall":
            _ = hupall(["MANAGER_REQUEST"])
            return "+OK\n"
        case "verbose_events": return "+OK verbose_events is off \n"
        case "shutdown" where words.count == 1:
            beginShutdown()
            return "+OK\n"
        default: return "+OK\n"
        }
    }
}
