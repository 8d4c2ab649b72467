"""Every table, importable from one place (Alembic's autogenerate needs them all registered)."""

from coach.models.agent import AgentRun
from coach.models.audit import AuditEntry
from coach.models.base import Base
from coach.models.logs import ReadinessLog, SetLog, SorenessLog, WorkoutLog
from coach.models.messaging import Conversation, Message, OutboundMessage
from coach.models.movements import Movement, MovementRelationship
from coach.models.plans import FitnessPlan, Mesocycle, Microcycle, Workout, WorkoutExercise
from coach.models.trainees import FitnessProfile, Trainee, TraineeMovementRule

__all__ = [
    "AgentRun",
    "AuditEntry",
    "Base",
    "Conversation",
    "FitnessPlan",
    "FitnessProfile",
    "Mesocycle",
    "Message",
    "Microcycle",
    "Movement",
    "MovementRelationship",
    "OutboundMessage",
    "ReadinessLog",
    "SetLog",
    "SorenessLog",
    "Trainee",
    "TraineeMovementRule",
    "Workout",
    "WorkoutExercise",
    "WorkoutLog",
]
