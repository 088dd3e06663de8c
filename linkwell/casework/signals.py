"""What the casework app announces to the apps above it, which it does not import.

`case_contacted` is sent whenever a case is contacted (`services.case_mark_contacted`, and the
first attended contact recorded by `services.appointment_record_outcome`), inside the
transaction that records it, with the keyword arguments `actor`, `case` and `at`. Receivers
write in that same transaction: the referrals app codes the episode's accepted referrals with
SNOMED 871731000000106 (`linkwell.referrals.services.referral_record_first_contact`, connected in
`ReferralsConfig.ready`).

`message_back_written` is sent by `message_back.message_back_record` for each message back it
writes, inside that transaction, with the keyword arguments `message` and `letter` (the day's
letter holding it). The MESH app queues the letter's delivery into the GP record when the
recipient has a MESH mailbox (`linkwell.mesh.delivery.queue_letter`, connected in
`MeshConfig.ready`).
"""

from __future__ import annotations

from django.dispatch import Signal

case_contacted = Signal()
message_back_written = Signal()
