import Foundation

/// The RTP statistics a leg reports when its media ends (``SimMedia``), written over
/// the sample values of ``VariableStages/rtpStatistics``. Runs with the core's lock held.
extension SwitchCore {
    /// Applications that play audio on the leg that runs them.
    static let playingApplications: Set<String> = ["playback", "endless_playback", "loop_playback"]

    /// A leg starts an application: one that plays makes it (and its far end, which
    /// may hang up after it) know it sends audio.
    func notePlaying(_ channel: Channel, application: String) {
        guard Self.playingApplications.contains(application) else { return }
        channel.call.playsAudio = true
        if let peer = channel.call.peer.flatMap({ channels[$0] }) { peer.call.peerPlaysAudio = true }
    }

    /// Sets the leg's RTP figures for the time from its answer to now.
    func setRTPFigures(_ channel: Channel) {
        let answered = channel.profileFields.answered
        guard answered != 0 else { return }
        let packets = Int(max(0, tickedNow - answered) / 20_000)
        let destination = channel.profileFields.destination
        // What the lab dialplan at the far end (or, on a loop-back call's inbound leg,
        // this leg's own) does with the caller's audio.
        let callerPlays = channel.direction == .outbound ? channel.call.playsAudio : channel.call.peerPlaysAudio
        let farSends: Bool =
            switch destination {
            case "tone", "tone5": true
            case "echo", "9196": callerPlays
            default: false
            }
        let sends = channel.direction == .outbound ? callerPlays : farSends
        let receives = channel.direction == .outbound ? farSends : callerPlays
        var values: [(String, String)] = []
        func out(_ name: String, _ value: String) { values.append(("rtp_audio_" + name, value)) }
        let sent = sends ? packets : 0
        out("out_raw_bytes", String(sent * 172))
        out("out_media_bytes", String(sent * 172))
        out("out_packet_count", String(sent))
        out("out_media_packet_count", String(sent))
        guard receives, packets > 0 else {
            out("in_skip_packet_count", String(packets + 1))
            channel.variables.set(values)
            return
        }
        let lost = min(packets, Int((Double(packets) * media.lossPercent / 100 * (0.75 + 0.5 * random.unit())).rounded()))
        let received = packets - lost
        // switch_rtp.c do_mos: flaws that outnumber the packets are forgotten; R is an int.
        let flaws = lost > received ? 0 : lost
        let quality = received > 0 ? Int(Double(received - flaws) / Double(received) * 100) : 100
        let r = Double(quality)
        let mos = 1 + 0.035 * r + 0.000007 * r * (r - 60) * (100 - r)
        let jitter = media.jitterMs * (0.5 + random.unit())
        out("in_raw_bytes", String(received * 172))
        out("in_media_bytes", String(received * 172))
        out("in_packet_count", String(received))
        out("in_media_packet_count", String(received))
        out("in_skip_packet_count", "2")
        out("in_jitter_min_variance", Self.twoDecimals(jitter * jitter / 4))
        out("in_jitter_max_variance", Self.twoDecimals(jitter * jitter))
        out("in_mean_interval", "20.00")
        out("in_flaw_total", String(flaws))
        out("in_quality_percentage", Self.twoDecimals(r))
        out("in_mos", Self.twoDecimals(mos))
        channel.variables.set(values)
    }

    private static func twoDecimals(_ value: Double) -> String { String(format: "%.2f", value) }
}
