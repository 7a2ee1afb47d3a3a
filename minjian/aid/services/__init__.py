"""Every change to a drive: one function per user action, in a transaction, writing its event.

One module per concept: `drives` (the drive, its catalogue, organisers and region
weights), `recipients`, `needs`, `pledges`, `allocation_rounds`, `shipments` (and
receipts); `shared` holds what they all use. Import the services from here.

Rows that a change depends on are locked (`select_for_update`) before anything is
counted: the need when a pledge is earmarked for it, the pledge when it is accepted,
the drive during an allocation round, the shipment when it ships or arrives. Two
requests at once are then serialised by the database and never overshoot.
"""

from minjian.aid.services.allocation_rounds import drive_allocate
from minjian.aid.services.drives import (
    drive_add_organiser,
    drive_create,
    item_add,
    item_set_min_line,
    region_weight_set,
)
from minjian.aid.services.needs import need_set
from minjian.aid.services.pledges import (
    PledgeMade,
    pledge_accept,
    pledge_check,
    pledge_decline,
    pledge_make,
)
from minjian.aid.services.recipients import (
    recipient_attach_account,
    recipient_register,
    recipient_verify,
)
from minjian.aid.services.shared import MAX_QUANTITY, whole_quantity
from minjian.aid.services.shipments import (
    shipment_confirm_receipt,
    shipment_plan,
    shipment_plan_many,
    shipment_send,
    shipment_send_many,
)

__all__ = [
    "MAX_QUANTITY",
    "PledgeMade",
    "drive_add_organiser",
    "drive_allocate",
    "drive_create",
    "item_add",
    "item_set_min_line",
    "need_set",
    "pledge_accept",
    "pledge_check",
    "pledge_decline",
    "pledge_make",
    "recipient_attach_account",
    "recipient_register",
    "recipient_verify",
    "region_weight_set",
    "shipment_confirm_receipt",
    "shipment_plan",
    "shipment_plan_many",
    "shipment_send",
    "shipment_send_many",
    "whole_quantity",
]
