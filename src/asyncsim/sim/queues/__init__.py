"""How a backend orders and sheds the calls waiting for a worker (queue disciplines)."""

from asyncsim.sim.queues.discipline import QueueSpec, WaitQueue, make_queue

__all__ = ["QueueSpec", "WaitQueue", "make_queue"]
