/// The media api commands call-control apps use: `uuid_broadcast`, `uuid_record`,
/// `uuid_send_dtmf` and `uuid_ring_ready`, with the events real FreeSWITCH 1.10 fires
/// for them. Runs with the core's lock held.
///
/// None of these were captured (fixtures README); the reply texts and event layouts
/// follow FreeSWITCH's source: `mod_commands.c` for the replies, `switch_ivr.c`
/// (`switch_ivr_broadcast`), `switch_ivr_play_say.c` (PLAYBACK_START/STOP with
/// `Playback-File-Path`), `switch_ivr_async.c` (RECORD_START/STOP with
/// `Record-File-Path`), `switch_channel.c` (`switch_channel_dequeue_dtmf`: DTMF with
/// channel data and `DTMF-Digit`, `DTMF-Duration`, `DTMF-Source`, no variables;
/// `switch_channel_perform_mark_ring_ready_value`: CHANNEL_PROGRESS).
extension SwitchCore {
    /// `switch_core_default_dtmf_duration`: 2000 samples, 250 ms at 8 kHz.
    static let defaultDTMFSamples = 2000

    /// `uuid_broadcast <uuid> <path> [aleg|bleg|both]`. FreeSWITCH answers `+OK Message
    /// Sent` whether or not the channel exists (`switch_ivr_broadcast`'s status is not
    /// looked at). On a live leg the path (`app::args`, or a file for `playback`) runs
    /// at once: CHANNEL_EXECUTE, then PLAYBACK_START for `playback`. The simulator has
    /// no audio, so a playback lasts until the leg hangs up (PLAYBACK_STOP then, with
    /// `Playback-Status: break`); a second broadcast replaces the first.
    func uuidBroadcast(_ words: [String]) -> String {
        guard words.count >= 2 else { return "-USAGE: <uuid> <path> [aleg|bleg|holdb|both]\n" }
        guard let channel = channels[words[0]], channel.isUp else { return "+OK Message Sent\n" }
        let legs = words.count > 2 ? words[2].lowercased() : "aleg"
        var targets: [Channel] = []
        if legs.contains("aleg") || legs.contains("both") { targets.append(channel) }
        if legs.contains("bleg") || legs.contains("both"), let peer = channel.call.peer.flatMap({ channels[$0] }) {
            targets.append(peer)
        }
        let path = words[1]
        let (name, arguments): (String, String)
        if let separator = path.range(of: "::") {
            (name, arguments) = (String(path[..<separator.lowerBound]), String(path[separator.upperBound...]))
        } else {
            (name, arguments) = ("playback", path)
        }
        for target in targets { startBroadcast(target, application: name, arguments: arguments) }
        return "+OK Message Sent\n"
    }

    private func startBroadcast(_ channel: Channel, application: String, arguments: String) {
        stopPlayback(channel, status: "break")
        let appUUID = random.uuid()
        var headers: [(name: String, value: String)] = [("Application", application)]
        if !arguments.isEmpty { headers.append(("Application-Data", arguments)) }
        headers.append(("Application-UUID", appUUID))
        fire(channel, "CHANNEL_EXECUTE", trailing: headers)
        guard application == "playback" else {
            headers.insert(("Application-Response", "_none_"), at: headers.count - 1)
            fire(channel, "CHANNEL_EXECUTE_COMPLETE", trailing: headers)
            return
        }
        channel.call.media.playback = (arguments, appUUID)
        notePlaying(channel, application: "playback")
        fire(channel, "PLAYBACK_START", trailing: [("Playback-File-Path", arguments)])
    }

    /// Ends a running playback: PLAYBACK_STOP, then the broadcast's EXECUTE_COMPLETE.
    private func stopPlayback(_ channel: Channel, status: String) {
        guard let playback = channel.call.media.playback else { return }
        channel.call.media.playback = nil
        fire(
            channel, "PLAYBACK_STOP",
            trailing: [("Playback-File-Path", playback.path), ("Playback-Status", status)])
        fire(
            channel, "CHANNEL_EXECUTE_COMPLETE",
            trailing: [
                ("Application", "playback"), ("Application-Data", playback.path),
                ("Application-Response", "FILE PLAYED"), ("Application-UUID", playback.appUUID),
            ])
    }

    /// `uuid_record <uuid> start|stop <path> [<limit>]`: a media bug on the leg,
    /// RECORD_START now and RECORD_STOP on `stop` or at hangup. `stop all` ends every
    /// recording of the leg.
    func uuidRecord(_ words: [String]) -> String {
        let usage = "-USAGE: <uuid> [start|stop|mask|unmask] <path> [<limit>] [<recording_vars>]\n"
        guard words.count >= 3 else { return usage }
        guard let channel = channels[words[0]], channel.isUp else { return "-ERR Cannot locate session!\n" }
        let path = words[2]
        switch words[1].lowercased() {
        case "start":
            channel.call.media.recordings.append(path)
            fire(channel, "RECORD_START", trailing: [("Record-File-Path", path)])
            return "+OK Success\n"
        case "stop":
            let stopping = path == "all" ? channel.call.media.recordings : channel.call.media.recordings.filter { $0 == path }
            guard !stopping.isEmpty else { return "-ERR Cannot stop record session!\n" }
            channel.call.media.recordings.removeAll { stopping.contains($0) }
            for file in stopping { fire(channel, "RECORD_STOP", trailing: [("Record-File-Path", file)]) }
            return "+OK Success\n"
        case "mask", "unmask":
            return "+OK Success\n"
        default:
            return usage
        }
    }

    /// Ends what a leg's media was doing as it hangs up (called right after
    /// CHANNEL_HANGUP): the playback breaks off, the recordings close.
    func endMedia(_ channel: Channel) {
        stopPlayback(channel, status: "break")
        let recordings = channel.call.media.recordings
        channel.call.media.recordings = []
        for file in recordings { fire(channel, "RECORD_STOP", trailing: [("Record-File-Path", file)]) }
    }

    /// `uuid_send_dtmf <uuid> <digits>[@<ms>]`: the digits go out on the leg as RFC 2833
    /// events. On a loop-back call the other leg receives them: one DTMF event per
    /// digit, each when its end packet arrives (digits back to back, `DTMF-Duration`
    /// in samples, `DTMF-Source: RTP`); the far leg's `park`/`echo` read them at once.
    /// A far end that is another box gets them without any event here.
    func uuidSendDTMF(_ words: [String]) -> String {
        guard words.count >= 2, !words[1].isEmpty else { return "-USAGE: <uuid> <dtmf_data>\n" }
        guard let channel = channels[words[0]], channel.isUp else { return "-ERR Cannot locate session!\n" }
        let parts = words[1].split(separator: "@", maxSplits: 1)
        let digits = parts.first.map { $0.filter { "0123456789*#ABCDabcdwW".contains($0) } } ?? ""
        let samples = parts.count > 1 ? (Int(parts[1]).map { $0 * 8 } ?? Self.defaultDTMFSamples) : Self.defaultDTMFSamples
        guard let peer = channel.call.peer.flatMap({ channels[$0] }) else { return "+OK Success\n" }
        let seconds = Double(samples) / 8000
        var delay = 0.0
        for digit in digits {
            // `w`/`W` are pauses (0.5 s / 1 s) in switch_core_session_send_dtmf_string.
            if digit == "w" || digit == "W" {
                delay += digit == "w" ? 0.5 : 1
                continue
            }
            delay += seconds
            let text = String(digit).uppercased()
            let id = after(delay) { [weak self, weak peer] in
                guard let self, let peer, peer.isUp else { return }
                self.fire(
                    peer, "DTMF",
                    trailing: [("DTMF-Digit", text), ("DTMF-Duration", String(samples)), ("DTMF-Source", "RTP")])
            }
            peer.call.timers.append(id)
        }
        return "+OK Success\n"
    }

    /// `uuid_ring_ready <uuid> [queued]`: marks the leg ring-ready (CHANNEL_PROGRESS, and
    /// CALLSTATE → RINGING if it was not ringing yet). On the inbound leg of a loop-back
    /// call sofia sends the 180, so the originating leg rings too. A second call, or a
    /// leg already answered, changes nothing.
    func uuidRingReady(_ words: [String]) -> String {
        guard let uuid = words.first else { return "-USAGE: <uuid> [queued]\n" }
        guard let channel = channels[uuid], channel.isUp else { return "-ERR No such channel!\n" }
        guard !channel.isAnswered, channel.profileFields.progress == 0 else { return "+OK\n" }
        channel.profileFields.progress = tickedNow
        fire(channel, "CHANNEL_PROGRESS")
        if channel.callState != .ringing { setCallState(channel, .ringing) }
        if channel.direction == .inbound, let peer = channel.call.peer.flatMap({ channels[$0] }),
            peer.profileFields.progress == 0
        {
            ringing(peer)
        }
        return "+OK\n"
    }
}

/// What a leg's media is doing (apps' broadcasts and recordings).
struct MediaState {
    /// The broadcast `playback` running: its path and Application-UUID.
    var playback: (path: String, appUUID: String)?
    /// Files being recorded.
    var recordings: [String] = []
}
