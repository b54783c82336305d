package io.yibao.sandbox.registry;

import java.util.List;

/** A registered household (户). Relations between members follow from their roles relative to the head. */
public record Household(String id, List<String> members) {

  /** A member's place in the household, relative to its head. */
  public enum Role { HEAD, SPOUSE, CHILD, HEAD_PARENT }

  /** Close-relative relations (近亲属) as the registry reports them. */
  public enum Relation {
    SPOUSE, PARENT, CHILD, SIBLING, GRANDPARENT, GRANDCHILD;

    /** What the other is to me when I am this to them: my PARENT has me as CHILD. */
    public Relation inverse() {
      return switch (this) {
        case PARENT -> CHILD;
        case CHILD -> PARENT;
        case GRANDPARENT -> GRANDCHILD;
        case GRANDCHILD -> GRANDPARENT;
        case SPOUSE, SIBLING -> this;
      };
    }
  }

  /**
   * What {@code other} is to {@code self}: {@code relation(CHILD, HEAD)} is PARENT (the head is the child's
   * parent). Null when they are not close relatives (in-laws) or are the same role of different people where
   * no relation follows.
   */
  public static Relation relation(Role self, Role other) {
    return switch (self) {
      case HEAD -> switch (other) {
        case SPOUSE -> Relation.SPOUSE;
        case CHILD -> Relation.CHILD;
        case HEAD_PARENT -> Relation.PARENT;
        case HEAD -> null;
      };
      case SPOUSE -> switch (other) {
        case HEAD -> Relation.SPOUSE;
        case CHILD -> Relation.CHILD;
        default -> null;
      };
      case CHILD -> switch (other) {
        case HEAD, SPOUSE -> Relation.PARENT;
        case CHILD -> Relation.SIBLING;
        case HEAD_PARENT -> Relation.GRANDPARENT;
      };
      case HEAD_PARENT -> switch (other) {
        case HEAD -> Relation.CHILD;
        case CHILD -> Relation.GRANDCHILD;
        case HEAD_PARENT -> Relation.SPOUSE;
        case SPOUSE -> null;
      };
    };
  }
}
