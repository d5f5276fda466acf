-- Owner: flow (the message inbox). Retention (org.cardcase.shared.Retention) trims tables by age, oldest first:
-- api_call by its index api_call_at (V1); inbound_message needs one on received_at (V9's covers unpublished ones only).
create index inbound_message_received on inbound_message (received_at);
