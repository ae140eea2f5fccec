import PlanModel
import Runner
