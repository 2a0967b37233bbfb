/// Which channel variables a sofia leg gains at each step of a call, in the order
/// FreeSWITCH 1.10.12 sets them (read off captures 02, 04, 05, 11 and 21). Values
/// come from ``SampleValues`` unless the channel overrides them.
enum VariableStages {
    /// Set when an outbound leg is created, before the `{}`/`[]` variables.
    static let outboundCreateHead = [
        "direction", "is_outbound", "uuid", "call_uuid", "session_id", "sip_local_network_addr",
        "sip_profile_name", "video_media_flow", "text_media_flow", "channel_name", "sip_destination_url",
    ]
    /// Set when an outbound leg is created, after the `{}`/`[]` variables.
    static let outboundCreateTail = [
        "originate_early_media", "originate_endpoint", "rtp_use_codec_string", "local_media_ip",
        "local_media_port", "advertised_media_ip", "audio_media_flow", "rtp_local_sdp_str",
        "sip_outgoing_contact_uri", "sip_req_uri", "sip_to_host", "sip_from_host", "sofia_profile_name",
        "recovery_profile_name", "sofia_profile_url",
    ]
    /// The first SIP response from the peer (180, 183 or 200).
    static let sipResponse = [
        "sip_reply_host", "sip_reply_port", "sip_network_ip", "sip_network_port", "sip_user_agent", "sip_allow",
        "sip_recover_contact", "sip_full_via", "sip_recover_via", "sip_full_from", "sip_full_to", "sip_from_user",
        "sip_from_uri", "sip_to_user", "sip_to_port", "sip_to_uri", "sip_contact_params", "sip_contact_user",
        "sip_contact_port", "sip_contact_uri", "sip_contact_host", "sip_to_tag", "sip_from_tag", "sip_cseq",
        "sip_call_id",
    ]
    /// The peer's SDP, once negotiated (with the answer, or at the first CODEC after a 183).
    static let media = [
        "remote_video_media_flow", "remote_text_media_flow", "remote_audio_media_flow", "rtp_audio_recv_pt",
        "rtp_use_codec_name", "rtp_use_codec_rate", "rtp_use_codec_ptime", "rtp_use_codec_channels",
        "rtp_last_audio_codec_string", "read_codec", "original_read_codec", "read_rate", "original_read_rate",
        "write_codec", "write_rate", "dtmf_type", "rtp_use_timer_name", "rtp_use_pt", "rtp_use_ssrc",
        "rtp_2833_send_payload", "rtp_2833_recv_payload", "remote_media_ip", "remote_media_port",
    ]
    /// An outbound leg rejected with a final SIP response.
    static let rejected = [
        "sip_call_id", "sip_reply_host", "sip_reply_port", "sip_network_ip", "sip_network_port",
        "sip_hangup_disposition", "sip_invite_failure_status", "sip_invite_failure_phrase", "sip_term_status",
        "proto_specific_hangup_cause", "sip_term_cause",
    ]
    /// Set by the caller-ID swap (CALL_UPDATE).
    static let callerIDFlip = ["pre_transfer_caller_id_number", "channel_cid_flipped"]
    /// RTP statistics, computed at hangup for a leg that had media.
    static let rtpStatistics = [
        "rtp_audio_in_raw_bytes", "rtp_audio_in_media_bytes", "rtp_audio_in_packet_count",
        "rtp_audio_in_media_packet_count", "rtp_audio_in_skip_packet_count", "rtp_audio_in_jitter_packet_count",
        "rtp_audio_in_dtmf_packet_count", "rtp_audio_in_cng_packet_count", "rtp_audio_in_flush_packet_count",
        "rtp_audio_in_largest_jb_size", "rtp_audio_in_jitter_min_variance", "rtp_audio_in_jitter_max_variance",
        "rtp_audio_in_jitter_loss_rate", "rtp_audio_in_jitter_burst_rate", "rtp_audio_in_mean_interval",
        "rtp_audio_in_flaw_total", "rtp_audio_in_quality_percentage", "rtp_audio_in_mos",
        "rtp_audio_out_raw_bytes", "rtp_audio_out_media_bytes", "rtp_audio_out_packet_count",
        "rtp_audio_out_media_packet_count", "rtp_audio_out_skip_packet_count", "rtp_audio_out_dtmf_packet_count",
        "rtp_audio_out_cng_packet_count", "rtp_audio_rtcp_packet_count", "rtp_audio_rtcp_octet_count",
    ]
    /// The inbound leg of a loop-back call, when its INVITE arrives (before any
    /// `sip_h_*` headers), then after them.
    static let inboundCreateHead = [
        "direction", "uuid", "call_uuid", "session_id", "sip_from_user", "sip_from_uri", "sip_from_host",
        "video_media_flow", "text_media_flow", "channel_name", "sip_call_id", "sip_local_network_addr",
        "sip_network_ip", "sip_network_port", "sip_invite_stamp", "sip_received_ip", "sip_received_port",
        "sip_via_protocol", "sip_from_user_stripped", "sip_from_tag", "sofia_profile_name", "sofia_profile_url",
        "recovery_profile_name", "sip_Remote-Party-ID", "sip_cid_type", "sip_full_via", "sip_full_from",
        "sip_full_to", "sip_allow", "sip_req_user", "sip_req_port", "sip_req_uri", "sip_req_host", "sip_to_user",
        "sip_to_port", "sip_to_uri", "sip_to_host", "sip_contact_user", "sip_contact_port", "sip_contact_uri",
        "sip_contact_host", "sip_user_agent", "sip_via_host", "sip_via_port", "sip_via_rport", "max_forwards",
    ]
    static let inboundCreateTail = [
        "switch_r_sdp", "ep_codec_string", "rtp_use_codec_string", "remote_video_media_flow",
        "remote_text_media_flow", "remote_audio_media_flow", "audio_media_flow", "remote_media_ip",
        "remote_media_port", "rtp_audio_recv_pt", "rtp_use_codec_name", "rtp_use_codec_rate",
        "rtp_use_codec_ptime", "rtp_use_codec_channels", "rtp_last_audio_codec_string", "read_codec",
        "original_read_codec", "read_rate", "original_read_rate", "write_codec", "write_rate", "dtmf_type",
        "endpoint_disposition",
    ]
    /// The inbound leg's answer.
    static let inboundAnswer = [
        "rtp_local_sdp_str", "local_media_ip", "local_media_port", "advertised_media_ip", "rtp_use_timer_name",
        "rtp_use_pt", "rtp_use_ssrc", "rtp_2833_send_payload", "rtp_2833_recv_payload",
    ]
    /// The inbound leg receiving a BYE.
    static let inboundBye = ["sip_to_tag", "sip_cseq", "sip_reason", "sip_term_status", "proto_specific_hangup_cause", "sip_term_cause"]
    /// The inbound leg's in-dialog request that is not a BYE (the ACK), seen on a leg
    /// this server hangs up itself.
    static let inboundAck = ["sip_to_tag", "sip_cseq"]

    /// Event types that carry `variable_*` headers (chan.c `switch_channel_event_set_extended_data`).
    static let carriers: Set<String> = [
        "CHANNEL_CREATE", "CHANNEL_ORIGINATE", "CHANNEL_UUID", "CHANNEL_ANSWER", "CHANNEL_PARK", "CHANNEL_UNPARK",
        "CHANNEL_BRIDGE", "CHANNEL_UNBRIDGE", "CHANNEL_PROGRESS", "CHANNEL_PROGRESS_MEDIA", "CHANNEL_HANGUP",
        "CHANNEL_HANGUP_COMPLETE", "CHANNEL_DATA", "CHANNEL_EXECUTE", "CHANNEL_EXECUTE_COMPLETE",
        "CHANNEL_DESTROY", "CALL_UPDATE", "CHANNEL_HOLD", "CHANNEL_UNHOLD", "PLAYBACK_START", "PLAYBACK_STOP",
        "RECORD_START", "RECORD_STOP",
    ]
}
