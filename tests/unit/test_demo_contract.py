"""The demo shop writes the data contract by its own lists (it does not import the pipeline's): they agree."""

from demo_shop import contract as demo
from pipeline.raw import contract


def test_the_demo_writes_every_file_of_the_contract_with_its_columns_in_order():
    assert tuple(entity.name for entity in contract.ENTITIES) == demo.FILES
    # of columns that stand in for each other (a line's unit price or its total) the demo sends the first
    stand_ins = {entity.name: entity.one_of[1:] for entity in contract.ENTITIES}
    written = {
        entity.name: tuple(c for c in entity.columns if c not in stand_ins[entity.name])
        for entity in contract.ENTITIES
    }
    assert written == demo.COLUMNS
    assert stand_ins["order_items"] == ("line_amount",)


def test_the_demo_has_one_kind_of_dirty_row_per_invalid_reason_in_rule_order():
    # the order matters: same seed, same bytes (dirty kinds are dealt out in this order)
    assert demo.INVALID_REASONS == contract.INVALID_REASONS
