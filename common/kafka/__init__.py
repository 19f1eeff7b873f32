"""Kafka topic names, topic creation and client factories."""
