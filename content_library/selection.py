"""Selection for the daily cards: the best materials for one customer of one store on a date."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.rules.content_selection import CustomerFacts, PurchaseFacts, Ranked, rank
from content_library.catalogue import facts_of, list_materials
from content_library.purchases import purchase_facts
from models import Customer, Material, MaterialSend, Store


@dataclass(frozen=True)
class Selected:
    material: Material
    ranked: Ranked


def customer_facts(*, session: Session, customer: Customer, store: Store | None,
                   purchases: PurchaseFacts | None = None, tier: str | None = None,
                   quadrant: str | None = None) -> CustomerFacts:
    """The customer as the rules see them; purchases come from the order tables unless given."""
    if purchases is None:
        purchases, stored_tier = purchase_facts(session=session, customer_id=customer.id)
        tier = tier or stored_tier
    sent = frozenset(session.scalars(
        select(MaterialSend.material_id).where(MaterialSend.customer_id == customer.id).distinct()))
    return CustomerFacts(
        customer_id=customer.id, store_id=store.id if store else None, region=store.region if store else None,
        tier=tier or "none", purchases=purchases, birthday=customer.birthday, sent_material_ids=sent,
        quadrant=quadrant,
    )


def select_materials(*, session: Session, customer: Customer, store: Store | None, on: date,
                     occasion: str | None = None, limit: int = 5,
                     purchases: PurchaseFacts | None = None, tier: str | None = None,
                     quadrant: str | None = None) -> list[Selected]:
    """The best materials for the customer, best first: enabled, valid, in scope, for their value quadrant
    (bot.services.quadrants.quadrants_of; None: no purchase in the window), not sent before."""
    facts = customer_facts(session=session, customer=customer, store=store, purchases=purchases, tier=tier,
                           quadrant=quadrant)
    materials = {m.id: m for m in list_materials(session=session) if m.enabled}
    ranked = rank([facts_of(m) for m in materials.values()], facts, on, requested=occasion, limit=limit)
    return [Selected(materials[r.material_id], r) for r in ranked]

