-- Owner: family. Issue 25, item 9: the guides (000–003) name no family relationship that cannot be
-- bound, so which ones may be is the service centre's configuration (cardcase.family.relationships,
-- default: all of them), no longer a flag in the reference data that said otherwise.
update reference_item set attributes = attributes - 'bindable' where kind = 'RELATIONSHIP';
