/// `originate`: admission, channel creation and the far end's behaviour
/// (esl-protocol.md §6–7). Everything here runs with the core's lock held.
extension SwitchCore {
    /// Starts an originate; `job` receives the result when it resolves (at once for
    /// a refusal, or later from a timer).
    func originate(_ arguments: String, job: PendingJob) {
                guard let request = OriginateRequest.parse(arguments) else {
            job.finish(OriginateRequest.usage)
            return
        }
        if case .unsupported = request.target {
            job.finish("-ERR CHAN_NOT_IMPLEMENTED\n")
            return
        }
        guard !isShuttingDown else { return refuseWhileGoingDown(job) }
        let uuid = request.variable("origination_uuid") ?? random.uuid()
        let noLimits = request.variable("no_throttle_limits") == "true"
        // switch_core_session_request_uuid: duplicate first, then the limits.
        guard channels[uuid] == nil, throttle.request(at: throttleSecond, ignoringLimits: noLimits) else {
            job.finish("-ERR DESTINATION_OUT_OF_ORDER\n")
            return
        }
        sessionID += 1
        switch request.target {
        case .sofia(let profileName, let user, let host, let port):
            guard let profile = profiles.first(where: { $0.name == profileName }) else {
                return destroyAtOnce(uuid, cause: .invalidProfile, job: job)
            }
            guard let host else { return destroyAtOnce(uuid, cause: .userNotRegistered, job: job) }
            dial(request, uuid: uuid, profile: profile, user: user, host: host, port: port, job: job)
        case .gateway(let name, let number):
            guard gateways.contains(name), let profile = profiles.first else {
                return destroyAtOnce(uuid, cause: .invalidGateway, job: job)
            }
            dial(request, uuid: uuid, profile: profile, user: number, host: name, port: nil, job: job)
        case .invalidURL, .unsupported:
            destroyAtOnce(uuid, cause: .invalidURL, job: job)
        }
    }

    /// The endpoint refused the target after the session existed: a lone
    /// CHANNEL_DESTROY (state CS_NONE), CHANNEL_STATE CS_DESTROY, then the job.
    private func destroyAtOnce(_ uuid: String, cause: HangupCause, job: PendingJob) {
                let channel = Channel(uuid: uuid, direction: .outbound, name: "N/A", profile: profiles.first ?? SofiaProfile())
        channel.hasProfile = false
        channel.stateNumber = 0
        channel.variables.set([
            ("direction", "outbound"), ("is_outbound", "true"), ("uuid", uuid), ("call_uuid", uuid),
            ("session_id", String(sessionID)),
        ])
        channel.stateNumber = ChannelState.destroy.rawValue
        fire(channel, "CHANNEL_DESTROY")
        channel.state = .destroy
        fire(channel, "CHANNEL_STATE")
        throttle.release()
        job.finish("-ERR \(cause.name)\n")
    }

    private func dial(
        _ request: OriginateRequest, uuid: String, profile: SofiaProfile, user: String, host: String, port: Int?,
        job: PendingJob
    ) {
        let target = port.map { "\(user)@\(host):\($0)" } ?? "\(user)@\(host)"
        let channel = Channel(uuid: uuid, direction: .outbound, name: "sofia/\(profile.name)/\(target)", profile: profile)
        channel.profileFields.created = tickedNow
        channel.profileFields.calleeIDName = "Outbound Call"
        channel.profileFields.calleeIDNumber = user
        channel.profileFields.destination = user
        if let name = request.variable("origination_caller_id_name") ?? request.callerIDName {
            channel.profileFields.callerIDName = name
            channel.profileFields.origCallerIDName = name
        }
        if let number = request.variable("origination_caller_id_number") ?? request.callerIDNumber {
            channel.profileFields.callerIDNumber = number
            channel.profileFields.origCallerIDNumber = number
            channel.profileFields.ani = number
        }
        channel.call.job = job
        channel.call.next = request.next
        channel.call.ignoreEarlyMedia = request.variable("ignore_early_media") == "true"
        if let onAnswer = request.variable("execute_on_answer"), onAnswer.hasPrefix("sched_hangup") {
            channel.call.hangupAfterAnswer = Int(onAnswer.dropFirst("sched_hangup".count + 1).filter { $0 != "+" })
        }
        let values = SampleOverrides.outbound(
            channel: channel, user: user, host: host, port: port, profile: profile, sessionID: sessionID)
        channel.values = values
        channel.variables.set(VariableStages.outboundCreateHead, from: values)
        channel.variables.set(request.variables.map { ($0.name, $0.value) })
        channel.variables.set(VariableStages.outboundCreateTail, from: values)
        channel.variables.set("originate_early_media", channel.call.ignoreEarlyMedia ? "false" : "true")
        channels[uuid] = channel
        channelOrder.append(uuid)

        channel.state = .none
        channel.stateNumber = ChannelState.initial.rawValue
        fire(channel, "CHANNEL_OUTGOING")
        channel.state = .initial
        fire(channel, "CHANNEL_STATE")
        channel.stateNumber = ChannelState.routing.rawValue
        fire(channel, "CHANNEL_CREATE")
        fire(channel, "CHANNEL_ORIGINATE")
        setState(channel, .routing)
        setState(channel, .consumeMedia)

        // originate_timeout counts whole wall-clock seconds (esl-protocol.md §6.4).
        let deadline = (now / 1_000_000 + Int64(request.timeoutSeconds)) * 1_000_000
        channel.call.timers.append(at(deadline) { [weak self, weak channel] in
            guard let self, let channel, channel.isUp, channel.call.job != nil else { return }
            self.originateTimedOut(channel)
        })
        channel.call.behaviour = behaviour(for: user)
        let loopback = profiles.contains { $0.sipIP == host && $0.sipPort == (port ?? 5060) }
        switch channel.call.behaviour {
        case .answer, .park: if loopback { startInboundLeg(for: channel, user: user) }
        default: break
        }
        runFarEnd(channel)
    }

    /// The lab dialplan of the far end (fixtures README).
    func behaviour(for user: String) -> CallModel.Behaviour {
        switch user {
        case "echo", "park", "9196", "tone", "tone5":
            if timing.failureRatio > 0, random.unit() < timing.failureRatio, !timing.failureCauses.isEmpty {
                let pick = timing.failureCauses[Int(random.next() % UInt64(timing.failureCauses.count))]
                return .reject(cause: HangupCause.parse(pick.cause), sipStatus: pick.sipStatus, phrase: "Simulated Failure")
            }
            return .answer
        case "busy": return .reject(cause: .userBusy, sipStatus: 486, phrase: "Busy Here")
        case "ring": return .ring
        case "noanswer": return .park
        case "ringanswer": return .ringAnswer
        case "earlymedia": return .earlyMedia
        default: return .reject(cause: .noRouteDestination, sipStatus: 404, phrase: "Not Found")
        }
    }

    private func runFarEnd(_ channel: Channel) {
        func later(_ delay: Double, _ step: @escaping (SwitchCore, Channel) -> Void) {
            // No delay: the far end answers within this very step, as a fast lab peer does.
            guard delay > 0 else { return step(self, channel) }
            let id = after(delay) { [weak self, weak channel] in
                guard let self, let channel, channel.isUp else { return }
                step(self, channel)
            }
            channel.call.timers.append(id)
        }
        switch channel.call.behaviour {
        case .answer:
            let answer = timing.answerDelay.draw(&random)
            if timing.ringsBeforeAnswer {
                let ring = timing.ringDelay.draw(&random)
                if ring < answer { later(ring) { $0.ringing($1) } }
            }
            later(answer) { $0.answer($1) }
        case .reject(let cause, let status, let phrase):
            later(timing.ringDelay.draw(&random)) { $0.reject($1, cause: cause, sipStatus: status, phrase: phrase) }
        case .park:
            break
        case .ring:
            later(timing.ringDelay.draw(&random)) { $0.ringing($1) }
        case .ringAnswer:
            let ring = timing.ringDelay.draw(&random)
            let answer = answerAfterProgress(ring)
            later(ring) { $0.ringing($1) }
            later(answer) { $0.answer($1) }
        case .earlyMedia:
            let ring = timing.ringDelay.draw(&random)
            let answer = answerAfterProgress(ring)
            later(ring) { $0.earlyMedia($1) }
            later(answer) { $0.answer($1) }
        }
    }

    /// When a destination that rings first answers, for a 180/183 at `ring` s.
    private func answerAfterProgress(_ ring: Double) -> Double {
        timing.ringsBeforeAnswer ? max(ring, timing.answerDelay.draw(&random)) : ring + timing.progressToAnswer.draw(&random)
    }

    /// Sets the variables of the peer's first SIP response.
    private func firstResponse(_ channel: Channel) {
        guard channel.variables["sip_call_id"] == nil else { return }
        let values = SampleOverrides.forChannel(channel)
        channel.variables.set(VariableStages.sipResponse, from: values)
        channel.profileFields.networkAddr = channel.profile.sipIP
        channel.profileFields.calleeIDName = channel.profileFields.destination
        channel.profileFields.calleeIDNumber = channel.profileFields.destination
    }

    /// 180 Ringing: CHANNEL_PROGRESS, CALLSTATE → RINGING.
    func ringing(_ channel: Channel) {
        firstResponse(channel)
        channel.profileFields.progress = tickedNow
        fire(channel, "CHANNEL_PROGRESS")
        setCallState(channel, .ringing)
    }

    /// 183 with SDP: PROGRESS_MEDIA, CALLSTATE → EARLY, CODEC ×2; without
    /// `ignore_early_media` the originate succeeds here.
    func earlyMedia(_ channel: Channel) {
        firstResponse(channel)
        let values = SampleOverrides.forChannel(channel)
        channel.variables.set("ep_codec_string", values.value("ep_codec_string"))
        channel.variables.set([("switch_r_sdp", values.value("switch_r_sdp")), ("endpoint_disposition", "EARLY MEDIA")])
        channel.profileFields.progressMedia = tickedNow
        channel.answerState = "early"
        fire(channel, "CHANNEL_PROGRESS_MEDIA")
        setCallState(channel, .early)
        codecs(channel)
        if !channel.call.ignoreEarlyMedia { originateSucceeded(channel) }
    }

    /// CODEC twice (read, then write), and the negotiated-media variables.
    private func codecs(_ channel: Channel) {
        guard !channel.call.hadMedia else { return }
        channel.call.hadMedia = true
        channel.hasCodec = true
        fire(
            channel, "CODEC",
            trailing: [
                ("channel-read-codec-name", "PCMU"), ("channel-read-codec-rate", "8000"),
                ("channel-read-codec-bit-rate", "64000"),
            ])
        fire(
            channel, "CODEC",
            trailing: [
                ("Channel-Write-Codec-Name", "PCMU"), ("Channel-Write-Codec-Rate", "8000"),
                ("Channel-Write-codec-bit-rate", "64000"),
            ])
        let values = SampleOverrides.forChannel(channel)
        channel.variables.set(VariableStages.media, from: values)
    }

    /// 200 OK: CODEC ×2 (if no SDP yet), ANSWER, CALLSTATE → ACTIVE; the originate
    /// succeeds now unless it already did on early media.
    func answer(_ channel: Channel) {
        guard !channel.isAnswered else { return }
        firstResponse(channel)
        if channel.variables["switch_r_sdp"] == nil {
            // The 200's SDP (no 183 brought one).
            let values = SampleOverrides.forChannel(channel)
            channel.variables.set([("switch_r_sdp", values.value("switch_r_sdp")), ("ep_codec_string", values.value("ep_codec_string"))])
        }
        if let peer = channel.call.peer.flatMap({ channels[$0] }) { answerInbound(peer) }
        codecs(channel)
        channel.profileFields.answered = tickedNow
        channel.answerState = "answered"
        fire(channel, "CHANNEL_ANSWER")
        if let seconds = channel.call.hangupAfterAnswer {
            channel.variables.set("endpoint_disposition", "ANSWER")
            runApplication(channel, name: "sched_hangup", arguments: "+\(seconds)", completes: true)
            scheduleHangup(channel, seconds: seconds, cause: .allottedTimeout)
        }
        setCallState(channel, .active)
        if channel.call.job != nil { originateSucceeded(channel) }
    }

    /// CALL_UPDATE (caller-ID swap), API + BACKGROUND_JOB `+OK`, then the application.
    func originateSucceeded(_ channel: Channel) {
        guard let job = channel.call.job else { return }
        channel.call.job = nil
        if channel.variables["endpoint_disposition"] == nil { channel.variables.set("endpoint_disposition", "ANSWER") }
        channel.variables.set("pre_transfer_caller_id_number", channel.profileFields.callerIDNumber)
        channel.variables.set("channel_cid_flipped", "true")
        var fields = channel.profileFields
        let caller = (fields.callerIDName, fields.callerIDNumber)
        fields.callerIDName = fields.calleeIDName
        fields.callerIDNumber = fields.calleeIDNumber
        fields.calleeIDName = caller.0
        fields.calleeIDNumber = caller.1
        channel.profileFields = fields
        channel.hitDialplan = true
        fire(channel, "CALL_UPDATE", leading: [("Direction", "RECV")])
        job.finish("+OK \(channel.uuid)\n")
        switch channel.call.next {
        case .application(let name, let arguments):
            setState(channel, .execute)
            runApplication(channel, name: name, arguments: arguments, completes: false)
        case .extensionNumber, nil:
            setState(channel, .execute)
        }
    }

    /// CHANNEL_EXECUTE (and CHANNEL_PARK for `park`); `completes` apps finish at once.
    func runApplication(_ channel: Channel, name: String, arguments: String, completes: Bool) {
        let appUUID = random.uuid()
        channel.variables.set("current_application", name)
        channel.variables.set("current_application_data", arguments)
        var headers: [(name: String, value: String)] = [("Application", name)]
        if !arguments.isEmpty { headers.append(("Application-Data", arguments)) }
        headers.append(("Application-UUID", appUUID))
        fire(channel, "CHANNEL_EXECUTE", trailing: headers)
        channel.call.lastApplication = (name, arguments)
        if completes {
            headers.insert(("Application-Response", "_none_"), at: headers.count - 1)
            fire(channel, "CHANNEL_EXECUTE_COMPLETE", trailing: headers)
            return
        }
        channel.call.application = (name, arguments, appUUID)
        notePlaying(channel, application: name)
        if name == "park" {
            channel.call.parked = true
            fire(channel, "CHANNEL_PARK")
        }
    }

    /// A final error response: the leg hangs up, the job fails after HANGUP_COMPLETE.
    func reject(_ channel: Channel, cause: HangupCause, sipStatus: Int, phrase: String) {
        let values = SampleOverrides.forChannel(channel)
        for name in VariableStages.rejected {
            switch name {
            case "sip_hangup_disposition": channel.variables.set(name, "recv_refuse")
            case "sip_invite_failure_status", "sip_term_status": channel.variables.set(name, String(sipStatus))
            case "sip_invite_failure_phrase": channel.variables.set(name, phrase)
            case "proto_specific_hangup_cause": channel.variables.set(name, "sip:\(sipStatus)")
            case "sip_term_cause": channel.variables.set(name, String(cause.code))
            default: channel.variables.set(name, values.value(name))
            }
        }
        channel.profileFields.networkAddr = channel.profile.sipIP
        hangup(channel, cause: cause, jobTiming: .afterComplete)
    }

    /// `originate_timeout` expired: NO_ANSWER, the job right after HANGUP.
    func originateTimedOut(_ channel: Channel) {
        hangup(channel, cause: .noAnswer, jobTiming: .noAnswer)
    }
}
