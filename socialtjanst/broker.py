"""Celery's Redis transport with one repair, so a Redis restart under a running task does not
kill the worker (issue 12 point 5b).

On a lost connection Celery 5.7 tears the transport down before it closes the consumer's channel;
closing that channel then tries to hand the running task's message back to Redis (and the task's
late ack tries to remove it) through the torn-down transport, which raises AttributeError: not a
connection error, so nothing catches it and the worker's main process exits. Here a channel
whose transport is gone raises Redis's ConnectionError instead, which Celery handles: it logs
the lost ack and reconnects. Nothing is lost that PostgreSQL does not hold: the message stays in
Redis's unacked set (restored after the visibility timeout) if Redis kept its data, and the dirty
months are re-sent by the reconciler either way."""

from kombu.transport import redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(redis.Channel):
    def _connparams(self, asynchronous=False):
        if self.connection is None or self.connection.client is None:
            raise RedisConnectionError("Förbindelsen till Redis är redan stängd.")
        return super()._connparams(asynchronous=asynchronous)


class Transport(redis.Transport):
    Channel = Channel
