#include "model/ModelError.h"

namespace mk::model {

int exitCodeFor(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::Refused:
        return 3;
    case ErrorKind::Failed:
        return 1;
    case ErrorKind::Usage:
    case ErrorKind::Config:
    case ErrorKind::Connection:
    case ErrorKind::NotMosaicoo:
        return 2;
    }
    return 2;
}

} // namespace mk::model
