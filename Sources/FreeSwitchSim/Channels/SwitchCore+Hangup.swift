/// Tearing a leg down (esl-protocol.md §7.1, rows 13–17), with the originate's result
/// placed where real FreeSWITCH puts it. Runs with the core's lock held.
extension SwitchCore {
    /// Where a still-pending originate reports its failure.
    enum JobTiming {
        /// After CHANNEL_HANGUP_COMPLETE, before CHANNEL_DESTROY (a rejection).
        case afterComplete
        /// API right after CHANNEL_HANGUP, the job after CALLSTATE → HANGUP (NO_ANSWER).
        case noAnswer
    }

    /// Hangs `channel` up with `cause` and runs its teardown. `afterHangup` runs just
    /// after CHANNEL_HANGUP (the API event of a `uuid_kill`).
    func hangup(
        _ channel: Channel, cause: HangupCause, jobTiming: JobTiming = .afterComplete,
        afterHangup: (() -> Void)? = nil
    ) {
        guard channel.isUp else { return }
        beginHangup(channel, cause: cause)
        afterHangup?()
        finishHangup(channel, cause: cause, jobTiming: jobTiming)
    }

    /// The first half of a hangup: the cause set, the timers cancelled, CHANNEL_HANGUP.
    /// A graceful shutdown fires this for every leg before any leg's teardown.
    func beginHangup(_ channel: Channel, cause: HangupCause) {
        for id in channel.call.timers { timers.cancel(id) }
        channel.hangupCause = cause
        channel.stateNumber = ChannelState.hangup.rawValue
        channel.answerState = "hangup"
        if channel.direction == .inbound {
            let values = SampleOverrides.forChannel(channel)
            for name in channel.receivesBye ? VariableStages.inboundBye : VariableStages.inboundAck {
                switch name {
                case "sip_reason": channel.variables.set(name, "SIP;cause=\(cause.code);text=\"\(cause.name)\"")
                case "sip_term_status": channel.variables.set(name, "200")
                case "proto_specific_hangup_cause": channel.variables.set(name, "sip:200")
                case "sip_term_cause": channel.variables.set(name, String(cause.code))
                default: channel.variables.set(name, values.value(name))
                }
            }
        }
        fire(channel, "CHANNEL_HANGUP")
    }

    /// The rest of a hangup begun by ``beginHangup(_:cause:)``: media, schedule, park
    /// and application ends, the state changes, HANGUP_COMPLETE, DESTROY, the job.
    func finishHangup(_ channel: Channel, cause: HangupCause, jobTiming: JobTiming = .afterComplete) {
        endMedia(channel)
        if let scheduled = channel.call.scheduledHangup {
            timers.cancel(scheduled.timer)
            channel.call.scheduledHangup = nil
            fire(
                "DEL_SCHEDULE",
                [
                    ("Task-ID", String(scheduled.taskID)), ("Task-Desc", "switch_ivr_schedule_hangup"),
                    ("Task-Group", channel.uuid), ("Task-Runtime", String(now / 1_000_000)),
                ])
        }
        if jobTiming == .noAnswer { channel.call.job?.api() }
        if channel.call.parked {
            channel.call.parked = false
            fire(channel, "CHANNEL_UNPARK")
        }
        if let application = channel.call.application {
            channel.call.application = nil
            if channel.receivesBye { channel.variables.set("sip_hangup_disposition", "recv_bye") }
            var headers: [(name: String, value: String)] = [("Application", application.name)]
            if !application.arguments.isEmpty { headers.append(("Application-Data", application.arguments)) }
            headers += [("Application-Response", "_none_"), ("Application-UUID", application.uuid)]
            fire(channel, "CHANNEL_EXECUTE_COMPLETE", trailing: headers)
        }
        setState(channel, .hangup)
        // switch_channel_set_timestamps runs on entering CS_HANGUP, before the call state
        // changes (capture 24, where every event carries the variables, shows them there).
        channel.profileFields.hangup = tickedNow
        setCDRVariables(channel, cause: cause)
        setCallState(channel, .hangup)
        if jobTiming == .noAnswer, let job = channel.call.job {
            channel.call.job = nil
            job.finish("-ERR \(cause.name)\n")
        }
        setSignallingEndVariables(channel, noAnswer: jobTiming == .noAnswer)
        setState(channel, .reporting)
        fire(channel, "CHANNEL_HANGUP_COMPLETE", leading: [("Hangup-Cause", cause.name)])
        if let job = channel.call.job {
            channel.call.job = nil
            job.finish("-ERR \(cause.name)\n")
        }
        channel.stateNumber = ChannelState.destroy.rawValue
        fire(channel, "CHANNEL_DESTROY")
        channel.state = .destroy
        fire(channel, "CHANNEL_STATE")
        channels[channel.uuid] = nil
        if let index = channelOrder.firstIndex(of: channel.uuid) { channelOrder.remove(at: index) }
        if channel.call.isSession { throttle.release() }
        if let peer = channel.call.peer.flatMap({ channels[$0] }) { peerHungUp(peer, cause: cause) }
    }

    /// `sched_hangup`: ADD_SCHEDULE now, the hangup when the epoch second now + N
    /// begins (real FreeSWITCH checks its tasks every 0.5 s or so).
    func scheduleHangup(_ channel: Channel, seconds: Int, cause: HangupCause) {
        taskID += 1
        let runtime = now / 1_000_000 + Int64(seconds)
        fire(
            "ADD_SCHEDULE",
            [
                ("Task-ID", String(taskID)), ("Task-Desc", "switch_ivr_schedule_hangup"), ("Task-Group", channel.uuid),
                ("Task-Runtime", String(runtime)),
            ])
        if let previous = channel.call.scheduledHangup { timers.cancel(previous.timer) }
        let timer = at(runtime * 1_000_000) { [weak self, weak channel] in
            guard let self, let channel, channel.isUp else { return }
            self.hangup(channel, cause: cause)
        }
        channel.call.scheduledHangup = (taskID, timer)
    }

    /// The CDR variables computed in the hangup state (chan.c `switch_channel_set_timestamps`).
    ///
    /// Set one by one with static names: building the ~60 names by interpolation and
    /// collecting the pairs first cost more than the rest of the hangup.
    private func setCDRVariables(_ channel: Channel, cause: HangupCause) {
        let fields = channel.profileFields
        let start = fields.created
        let end = fields.hangup
        func seconds(_ micros: Int64) -> Int64 { micros / 1_000_000 }
        func since(_ time: Int64, _ divisor: Int64) -> String {
            time == 0 ? "0" : String(time / divisor - start / divisor)
        }
        channel.variables.set("hangup_cause", cause.name)
        channel.variables.set("hangup_cause_q850", String(cause.code))
        channel.variables.set("digits_dialed", "none")
        channel.variables.set("start_stamp", factory.localStamp(seconds(start)))
        channel.variables.set("profile_start_stamp", factory.localStamp(seconds(start)))
        if fields.answered != 0 { channel.variables.set("answer_stamp", factory.localStamp(seconds(fields.answered))) }
        if fields.progress != 0 { channel.variables.set("progress_stamp", factory.localStamp(seconds(fields.progress))) }
        if fields.progressMedia != 0 {
            channel.variables.set("progress_media_stamp", factory.localStamp(seconds(fields.progressMedia)))
        }
        channel.variables.set("end_stamp", factory.localStamp(seconds(end)))
        let epochs = CDRNames.epochs
        for (index, time) in [start, start, fields.answered, 0, 0].enumerated() {
            channel.variables.set(epochs[index].epoch, String(seconds(time)))
            channel.variables.set(epochs[index].uepoch, String(time))
        }
        channel.variables.set("hold_accum_seconds", "0")
        channel.variables.set("hold_accum_usec", "0")
        channel.variables.set("hold_accum_ms", "0")
        for (index, time) in [0, fields.progress, fields.progressMedia, end].enumerated() {
            channel.variables.set(epochs[5 + index].epoch, String(seconds(time)))
            channel.variables.set(epochs[5 + index].uepoch, String(time))
        }
        if let last = channel.call.lastApplication {
            channel.variables.set("last_app", last.name)
            if !last.arguments.isEmpty { channel.variables.set("last_arg", last.arguments) }
        }
        channel.variables.set("caller_id", "\"\(fields.callerIDName)\" <\(fields.callerIDNumber)>")
        let answered = fields.answered
        let bill: (Int64) -> String = { divisor in answered == 0 ? "0" : String(end / divisor - answered / divisor) }
        for names in CDRNames.durations {
            let divisor = names.divisor
            channel.variables.set(names.duration, String(end / divisor - start / divisor))
            channel.variables.set(names.bill, bill(divisor))
            channel.variables.set(names.progress, since(fields.progress, divisor))
            channel.variables.set(names.answer, since(answered, divisor))
            channel.variables.set(names.wait, "0")
            channel.variables.set(names.progressMedia, since(fields.progressMedia, divisor))
            channel.variables.set(names.flowBill, bill(divisor))
        }
    }

    /// The variables set once the BYE or CANCEL is out and the media has ended: the
    /// disposition and the RTP statistics (after the call state's change and before
    /// CS_REPORTING, capture 24).
    private func setSignallingEndVariables(_ channel: Channel, noAnswer: Bool) {
        if noAnswer {
            channel.variables.set("sip_hangup_disposition", "send_cancel")
            channel.variables.set("sip_invite_failure_status", "487")
            channel.variables.set("sip_invite_failure_phrase", "CANCEL")
        } else if channel.variables["sip_hangup_disposition"] == nil {
            channel.variables.set("sip_hangup_disposition", "send_bye")
        }
        if channel.call.hadMedia, channel.isAnswered || channel.profileFields.progressMedia != 0 {
            channel.variables.set(VariableStages.rtpStatistics, from: SampleOverrides.forChannel(channel))
            setRTPFigures(channel)
        }
    }
}

/// The names of the CDR variables, spelled out once.
private enum CDRNames {
    /// `<name>_epoch` / `<name>_uepoch` of start, profile_start, answer, bridge,
    /// last_hold, then (after the hold_accum trio) resurrect, progress, progress_media, end.
    static let epochs: [(epoch: String, uepoch: String)] = [
        "start", "profile_start", "answer", "bridge", "last_hold", "resurrect", "progress", "progress_media", "end",
    ].map { ($0 + "_epoch", $0 + "_uepoch") }

    /// The duration names of each unit: seconds, milliseconds, microseconds.
    static let durations: [(
        divisor: Int64, duration: String, bill: String, progress: String, answer: String, wait: String,
        progressMedia: String, flowBill: String
    )] = [(Int64(1_000_000), "sec", "duration"), (1000, "msec", "mduration"), (1, "usec", "uduration")].map {
        divisor, suffix, duration in
        (
            divisor, duration, "bill" + suffix, "progress" + suffix, "answer" + suffix, "wait" + suffix,
            "progress_media" + suffix, "flow_bill" + suffix
        )
    }
}
